// Every signal and query of Zoe's workflows, defined once. The API, the CLI's operator commands
// and the workflows import them from here.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { HostCapacity, Placement, WaitingInfo } from '../scheduler/types.js';
import type { ExecutionProgress } from '../model/execution.js';
import type { QueuedExecution } from './scheduler/ledger.js';

// --- Execution workflow ---------------------------------------------------------------------

/** Ask the execution to end: running services are stopped and removed, then it is terminated. */
export const killSignal = defineSignal<[{ reason: string }]>('zoe.execution.kill');

/**
 * What the scheduler sends about placements. `seq` grows with every message: the scheduler's mail
 * may be sent twice (a retried delivery), and an execution ignores a number it has already seen.
 */
export interface PlacementMessage {
  placements: Placement[];
  seq: number;
}

/** From the scheduler: the essential instances are placed, start them. */
export const admittedSignal = defineSignal<[PlacementMessage]>('zoe.execution.admitted');

/** From the scheduler: more (elastic) instances may start. */
export const growSignal = defineSignal<[PlacementMessage]>('zoe.execution.grow');

/** From the scheduler: these elastic instances must give their resources back. */
export const shrinkSignal = defineSignal<[PlacementMessage]>('zoe.execution.shrink');

/** From the scheduler: the execution can never be placed; it ends in error with the reason. */
export const refusedSignal = defineSignal<[{ reason: string }]>('zoe.execution.refused');

/** From the scheduler: a host was lost (it did not answer for the grace period) with these instances on it. */
export const hostLostSignal = defineSignal<[{ host: string; instances: string[]; reason: string }]>('zoe.execution.host-lost');

export const progressQuery = defineQuery<ExecutionProgress>('zoe.execution.progress');

// --- Scheduler workflow ---------------------------------------------------------------------

export const submitSignal = defineSignal<[QueuedExecution]>('zoe.scheduler.submit');

/** The execution gives back everything it holds (or withdraws from the queue). Idempotent. */
export const releaseSignal = defineSignal<[{ executionId: number }]>('zoe.scheduler.release');

/** Elastic instances an execution stopped by itself (died or shrunk). Idempotent. */
export const releaseInstancesSignal = defineSignal<[{ executionId: number; instances: string[] }]>(
  'zoe.scheduler.release-instances',
);

/** Re-read the hosts' capacities now (a host was added, removed or changed). */
export const refreshHostsSignal = defineSignal('zoe.scheduler.refresh-hosts');

/** Why a queued execution waits: its position and the plain reason, with the structured shortage. */
export type WaitingExecution = WaitingInfo;

export interface SchedulerSnapshot {
  hosts: HostCapacity[];
  queue: Array<{ executionId: number; submittedAt: number; size: number }>;
  placements: Placement[];
  waiting: WaitingExecution[];
}

export const snapshotQuery = defineQuery<SchedulerSnapshot>('zoe.scheduler.snapshot');
