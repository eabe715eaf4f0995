// The container back-end contract: everything Zoe asks of whatever runs its containers. Docker
// (`backends/docker/`) implements it, Kubernetes (`backends/kubernetes/`) will; `backends/index.ts`
// picks one from the configuration. The activities are built from it, reconciliation and the log
// route use it, and nothing else in Zoe knows which back-end runs a container.
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
//   retried as well: an unreachable back-end is never mistaken for a dead service. A host name
//   the back-end does not know is UnknownHost in every operation that takes one.
// - **Cancellation**: operations that wait take an AbortSignal (the activity's cancellation
//   signal) and end promptly when it fires, even when a request to the back-end ignores it; they
//   then reject with the signal's reason.
// - **Bounded memory**: logs are streams with back-pressure, whatever their size and however slowly
//   they are read; no operation holds a whole log. Log files rotate on the back-end, so a chatty
//   service cannot fill a host's disk either.
// - **Never privileged**: containers get the reservation as their limits, no extra privileges,
//   and mount only the volumes in their plan.
import type { Readable } from 'node:stream';
import type { BackendConfig } from '../config/config.js';
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
  /** The plan's ports that the back-end published, in plan order; a port not published is absent. */
  ports: PublishedPort[];
}

export interface ExitReport {
  instance: string;
  /** The container's exit code; -1 when the container vanished (removed outside Zoe). */
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
  /** Aborting destroys the stream (and the back-end request behind it). */
  signal?: AbortSignal;
}

/** Something of this deployment's on the back-end: reconciliation removes what no live execution owns. */
export interface OwnedInstance {
  host: string;
  executionId: number;
  /** Empty for objects that belong to the execution as a whole (a network, a headless service). */
  instance: string;
}

export interface OwnedQuery {
  deployment: string;
  /** Only this execution's objects. */
  executionId?: number;
  /** Hosts not asked at all (lost hosts, which may not even refuse a connection). */
  skipHosts?: string[];
}

export interface ContainerBackend {
  /** Which implementation this is: for logs and the status page only; no caller branches on it. */
  readonly kind: BackendConfig['kind'];

  /**
   * Every host's total capacity offered to Zoe, labels and whether it answers, in a stable order.
   * Never throws because one host does not answer: that host is reported offline with 0 memory
   * and 0 cores (its capacity is unknown). Bounded in time: a host that does not answer within
   * about ten seconds is offline.
   */
  inventory(): Promise<HostCapacity[]>;

  /**
   * What an execution needs on a host before its instances start there: its private network (or
   * headless service) where instances find each other by DNS name, and the owner's workspace.
   * Idempotent. Called once per host per execution before any of its instances start on that
   * host, never concurrently for the same host and execution. Throws BackendUnavailable
   * (retryable) when the host does not answer.
   */
  prepareExecution(request: PrepareRequest): Promise<void>;

  /**
   * Creates and starts the instance's container with its plan's image, command, environment,
   * ports, volumes and the reservation as limits, labelled with `instanceLabels` and named
   * `containerName` (model/naming.ts), its log rotated by the back-end. Idempotent: a container
   * that already exists (an earlier attempt) is started if it never was, and left as it is if it
   * ran and exited (the watch then reports the exit). Fails with ImageNotFound or
   * InvalidContainerSpec (non-retryable) or BackendUnavailable.
   */
  startInstance(request: StartRequest): Promise<StartedInstance>;

  /**
   * Resolves once each of the plan's TCP ports accepts connections (at once when it declares
   * none). Fails with ServiceExitedDuringStart (with the exit code) if the container stops or
   * vanishes meanwhile, and with ReadinessTimeout after `timeoutMs` while it still runs.
   * Heartbeats while it waits; rejects promptly on cancellation.
   */
  waitForReadiness(ref: InstanceRef, ports: PortPlan[], options: WaitOptions & { timeoutMs: number }): Promise<void>;

  /**
   * The first of these instances to stop, with its exit code and whether it was killed for
   * memory; an instance whose container vanished counts as stopped (exit code -1). An instance
   * already stopped when the call starts is reported at once, so a retried watch misses nothing.
   * Resolves null after `maxWaitMs` with all of them running. Watches, never polls. Throws
   * (retryably) when the back-end does not answer: the caller retries, and a host that stays
   * silent is declared lost by the scheduler, not here.
   */
  waitForFirstExit(refs: InstanceRef[], options: WaitOptions & { maxWaitMs: number }): Promise<ExitReport | null>;

  /**
   * The instance's output, stdout and stderr interleaved in order, each line prefixed by its
   * RFC 3339 timestamp and a space: live until the container stops when `follow`, otherwise what
   * is there now (a running container included), then the stream ends. Resolves once the
   * back-end answered; undefined when the container does not exist (never started, removed, or
   * being removed). Throws BackendUnavailable when the host does not answer.
   *
   * The stream is read with back-pressure end to end: a reader that stops reading pauses the
   * back-end's stream, and the process holds at most a few tens of KiB for it, whatever the log's
   * size (`follow` false included: never buffered whole). Destroying the stream, or aborting
   * `signal`, releases the back-end request. A connection lost mid-way destroys the stream with
   * an error. What the back-end itself still has is bounded by its log rotation: older output is
   * gone from it.
   */
  openLogs(ref: InstanceRef, options: LogOptions): Promise<Readable | undefined>;

  /**
   * Removes the instance's container, stopping it first if it runs; its output goes with it (the
   * caller keeps a copy first, through `openLogs`). Idempotent: one already gone, or being removed
   * by a concurrent call, is success. Throws BackendUnavailable when the host does not answer.
   */
  removeInstance(ref: InstanceRef): Promise<void>;

  /**
   * This deployment's instances, and execution-wide objects (instance ''), on every host but
   * `skipHosts`, optionally one execution's only. Hosts that do not answer within about ten
   * seconds are left out and named in `unreachable`; never throws for one host.
   */
  listOwned(query: OwnedQuery): Promise<{ owned: OwnedInstance[]; unreachable: string[] }>;

  /**
   * Removes everything of one execution (instances and execution-wide objects) on every host
   * except `skipHosts` (lost hosts, whose leftovers reconciliation removes when they answer
   * again), and returns the instances removed with their hosts (execution-wide objects are not
   * listed). Idempotent: a retry after a partial removal removes the rest. Throws
   * BackendUnavailable when a host not skipped does not answer: nothing is left behind silently.
   */
  removeExecution(request: { deployment: string; executionId: number; skipHosts?: string[] }): Promise<OwnedInstance[]>;

  /** Releases connections; the back-end is not used afterwards. */
  close(): Promise<void>;
}
