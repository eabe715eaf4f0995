// The data an execution workflow carries and answers with: plain JSON, computed once at submit time
// by the application layer, so the workflow never re-reads the ZApp or renders templates
// (deterministic replay).
import type { InstancePlan, WorkspacePlan } from './instance.js';
import type { ExecutionStatus, FinalStatus } from './statuses.js';

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
  status: FinalStatus;
  reason: string;
}

/** What the execution workflow's progress query answers. */
export interface ExecutionProgress {
  status: ExecutionStatus;
  reason: string | undefined;
  runningInstances: string[];
}
