// The data the execution workflow carries: plain JSON, computed once at submit time by the API, so
// the workflow never needs to re-read the ZApp or render templates (deterministic replay).
import type { PlacementPolicy, QueuePolicy } from '../scheduler/types.js';
import type { PackedCarry } from './scheduler-carry.js';

export type ExecutionStatus =
  | 'submitted' | 'queued' | 'starting' | 'running' | 'cleaning up' | 'terminated' | 'error';

export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['submitted', 'queued', 'starting', 'running', 'cleaning up'];

export interface PortPlan {
  /** `<port>/<protocol>` as Docker and the original Zoe's port table name it. */
  internalName: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface VolumePlan {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

/** One container to run: everything the back-end needs, already rendered. */
export interface ContainerPlan {
  image: string;
  command: string | null;
  workDir: string | undefined;
  environment: Array<[string, string]>;
  ports: PortPlan[];
  volumes: VolumePlan[];
  shmBytes: number | undefined;
  /** DNS name on the execution's network: `<instance>-<execution>-<deployment>`. */
  dnsName: string;
}

export interface InstancePlan {
  serviceId: number;
  /** `<service><n>`, unique within the execution. */
  instance: string;
  service: string;
  essential: boolean;
  monitor: boolean;
  startupOrder: number;
  memory: number;
  cores: number;
  labels: string[];
  container: ContainerPlan;
}

/** The owner's workspace directory, created with the owner's uid when missing. */
export interface WorkspacePlan {
  path: string;
  uid: number;
  gid: number;
}

export interface ExecutionInput {
  executionId: number;
  deployment: string;
  name: string;
  zappName: string;
  size: number;
  owner: { id: number; username: string };
  instances: InstancePlan[];
  /** Runtime limit in milliseconds from the moment the execution runs; 0 means none. */
  runtimeLimitMs: number;
  /** Epoch ms of the submission (FIFO order in the scheduler). */
  submittedAt: number;
  workspace?: WorkspacePlan;
}

export interface ExecutionOutcome {
  status: 'terminated' | 'error';
  reason: string;
}

/** What the `status` query answers. */
export interface ExecutionProgress {
  status: ExecutionStatus;
  reason: string | undefined;
  runningInstances: string[];
}

export interface SchedulerInput {
  deployment: string;
  policy: { queue: QueuePolicy; placement: PlacementPolicy };
  /** How often host capacities are re-read when nothing asks for it (default 60 s). */
  hostRefreshMs?: number;
  /** How long a host may not answer before it is declared lost (default 5 min). */
  hostLossGraceMs?: number;
  /** Continue as new once the history has this many events (default 4,000). */
  historyLimit?: number;
  /** Carried across continue-as-new. */
  carried?: PackedCarry;
}

export type { QueuedExecution } from './scheduler-ledger.js';
