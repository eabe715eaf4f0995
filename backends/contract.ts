// The container back-end contract: everything Zoe asks of whatever runs its containers. Docker
// (`backends/docker/`) and Kubernetes (`backends/kubernetes/`) implement it; the activities are
// built from it, and nothing else in Zoe knows which back-end runs a container.
//
// Rules every implementation follows:
// - **Idempotent under retry.** Temporal retries an activity whose worker died or whose call
//   failed, so every operation may run again after a partial success. Names derive from the
//   deployment, the execution and the instance (`model/naming.ts`): a retried start finds the
//   container the earlier attempt created, a retried removal of something gone succeeds.
// - **Failures are classified where they are understood**, as `zoeFailure(Failure.X, …)`
//   (`model/failures.ts`): non-retryable when no retry can help (ImageNotFound,
//   InvalidContainerSpec, ServiceExitedDuringStart, ReadinessTimeout, UnknownHost), retryable
//   BackendUnavailable when the back-end does not answer or is busy. Anything else thrown is
//   retried as well: an unreachable back-end is never mistaken for a dead service.
// - **Cancellation**: operations that wait take an AbortSignal (the activity's cancellation
//   signal) and end promptly when it fires, even when a request to the back-end ignores it.
// - **Bounded memory**: logs are streams with back-pressure; no operation holds a whole log.
// - **Never privileged**: containers get the reservation as their limits, no extra privileges,
//   and mount only the volumes in their plan.
import type { Readable } from 'node:stream';
import type { HostCapacity } from '../scheduler/types.js';
import type { InstancePlan, PortPlan, WorkspacePlan } from '../model/instance.js';

/** One instance's container, wherever it runs. */
export interface InstanceRef {
  deployment: string;
  executionId: number;
  /** `<service><n>`, unique within the execution. */
  instance: string;
  /** The host (Docker engine or Kubernetes node) the scheduler placed it on. */
  host: string;
}

export interface PrepareRequest {
  deployment: string;
  executionId: number;
  host: string;
  /** The owner's workspace, mounted at /mnt/workspace; created with the owner's uid when missing. */
  workspace?: WorkspacePlan;
}

export interface StartRequest {
  deployment: string;
  executionId: number;
  executionName: string;
  /** The owner's user name (a label on the container). */
  owner: string;
  host: string;
  instance: InstancePlan;
}

export interface PublishedPort {
  /** `<port>/<protocol>`, as in the plan. */
  internalName: string;
  hostIp: string;
  hostPort: number;
}

export interface StartedInstance {
  /** The back-end's own id of the container (Docker id, pod uid). */
  backendId: string;
  /** Address users reach the published ports on. */
  externalAddress: string;
  ports: PublishedPort[];
}

export interface ExitReport {
  instance: string;
  exitCode: number;
  oomKilled: boolean;
  /** Plain sentence for the execution's reason: service, exit code, and OOM kill when that was the cause. */
  description: string;
}

export interface WaitOptions {
  signal: AbortSignal;
  /** Called at least every few seconds while the operation waits (the activity's heartbeat). */
  heartbeat: () => void;
}

export interface LogOptions {
  /** Follow the output live until the container stops; false: what is there now, then end. */
  follow: boolean;
  signal?: AbortSignal;
}

/** Something of this deployment's on the back-end: reconciliation removes what no live execution owns. */
export interface OwnedInstance {
  host: string;
  executionId: number;
  /** Empty for objects that belong to the execution as a whole (a network, a headless service). */
  instance: string;
}

export interface ContainerBackend {
  /** `docker` or `kubernetes`: for logs and the status page only; no caller branches on it. */
  readonly kind: string;

  /**
   * Every host's total capacity offered to Zoe, labels and whether it answers. Never throws
   * because one host does not answer: that host is reported offline (with the last known
   * capacity unknown: 0 memory and 0 cores).
   */
  inventory(): Promise<HostCapacity[]>;

  /**
   * What an execution needs on a host before its instances start there: its private network (or
   * headless service), the owner's workspace. Idempotent. Called once per host per execution
   * before any of its instances start on that host, never concurrently for the same host.
   */
  prepareExecution(request: PrepareRequest): Promise<void>;

  /**
   * Creates and starts the instance's container with its plan's image, command, environment,
   * ports, volumes and the reservation as limits. Idempotent: a container that already exists
   * (an earlier attempt) is started if it never was, and left as it is if it ran and exited (the
   * watch then reports the exit). Fails with ImageNotFound or InvalidContainerSpec (non-retryable)
   * or BackendUnavailable.
   */
  startInstance(request: StartRequest): Promise<StartedInstance>;

  /**
   * Resolves once each of the instance's declared TCP ports accepts connections. Fails with
   * ServiceExitedDuringStart (with the exit code) if the container stops meanwhile, and with
   * ReadinessTimeout after `timeoutMs` while it still runs.
   */
  waitForReadiness(ref: InstanceRef, ports: PortPlan[], options: WaitOptions & { timeoutMs: number }): Promise<void>;

  /**
   * The first of these instances to stop, with its exit code and whether it was killed for
   * memory; an instance whose container vanished counts as stopped (exit code -1). Resolves null
   * after `maxWaitMs` with all of them running. Watches, never polls. Throws (retryably) when the
   * back-end does not answer.
   */
  waitForFirstExit(refs: InstanceRef[], options: WaitOptions & { maxWaitMs: number }): Promise<ExitReport | null>;

  /**
   * The instance's output, stdout and stderr interleaved, each line prefixed by its RFC 3339
   * timestamp: live until the container stops when `follow`, otherwise what is there now.
   * Undefined when the container does not exist (never started, or removed). The stream pauses
   * the back-end's when it is not read; destroying it releases everything.
   */
  openLogs(ref: InstanceRef, options: LogOptions): Promise<Readable | undefined>;

  /** Removes the instance's container. Idempotent: one already gone is success. */
  removeInstance(ref: InstanceRef): Promise<void>;

  /**
   * This deployment's instances (and execution-wide objects) on every reachable host, optionally
   * one execution's only. Hosts that do not answer are left out, and named in `unreachable`.
   */
  listOwned(deployment: string, executionId?: number): Promise<{ owned: OwnedInstance[]; unreachable: string[] }>;

  /**
   * Removes everything of one execution on every host except `skipHosts` (lost hosts, whose
   * leftovers reconciliation removes when they answer again); returns the instances removed.
   * Idempotent.
   */
  removeExecution(request: { deployment: string; executionId: number; skipHosts?: string[]; onlyHost?: string }): Promise<string[]>;

  /** Releases connections; the back-end is not used afterwards. */
  close(): Promise<void>;
}
