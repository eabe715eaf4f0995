// Every signal and query of Zoe's workflows, defined once. The API, the CLI's operator commands
// and the workflows import them from here.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SignalDefinition } from '@temporalio/common';
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

/** A host was lost (it did not answer for the grace period) with these instances of the execution on it. */
export interface HostLoss {
  host: string;
  instances: string[];
  reason: string;
}

/**
 * Everything the scheduler tells an execution, by kind: the one table the scheduler's ledger, its
 * mail activity and the execution's handlers share. A kind is also the last part of its signal's
 * name (`zoe.execution.<kind>`); running executions and recorded histories depend on those names,
 * so a kind is never renamed.
 */
export interface SchedulerMessages {
  /** The essential instances are placed: start them. */
  admitted: PlacementMessage;
  /** The execution can never be placed: it ends in error with the reason. */
  refused: { reason: string };
  /** More (elastic) instances may start. */
  grow: PlacementMessage;
  /** These elastic instances must give their resources back. */
  shrink: PlacementMessage;
  /** A host was lost with some of the execution's instances. */
  'host-lost': HostLoss;
}

export type SchedulerMessageKind = keyof SchedulerMessages;

/** The kinds whose messages place instances (numbered, and held by the ledger while hosts drain). */
export type PlacementMessageKind = 'admitted' | 'grow' | 'shrink';

/** One message from the scheduler, as a handler receives it. */
export type SchedulerMessage = { [K in SchedulerMessageKind]: { kind: K; payload: SchedulerMessages[K] } }[SchedulerMessageKind];

type SchedulerSignals = { readonly [K in SchedulerMessageKind]: SignalDefinition<[SchedulerMessages[K]], `zoe.execution.${K}`> };

/**
 * The signal of each kind. An execution registers its handlers in this order (a signal that
 * arrives before its handler is registered waits, and is handed over at registration).
 */
export const schedulerSignals: SchedulerSignals = {
  admitted: defineSignal('zoe.execution.admitted'),
  refused: defineSignal('zoe.execution.refused'),
  grow: defineSignal('zoe.execution.grow'),
  shrink: defineSignal('zoe.execution.shrink'),
  'host-lost': defineSignal('zoe.execution.host-lost'),
};

export const SCHEDULER_MESSAGE_KINDS = Object.keys(schedulerSignals) as SchedulerMessageKind[];

/** One signal as the scheduler's mail activity sends it: the signal's name and its payload. */
export type OutgoingSignal = { [K in SchedulerMessageKind]: { name: `zoe.execution.${K}`; payload: SchedulerMessages[K] } }[SchedulerMessageKind];

/** What the scheduler's mail activity delivers to one execution (its input: a contract with running schedulers). */
export interface Letter {
  workflowId: string;
  /** Sent in this order, each once the previous one was accepted. */
  signals: OutgoingSignal[];
}

/** The signal that carries a message. */
export function signalOf(message: SchedulerMessage): OutgoingSignal {
  return { name: schedulerSignals[message.kind].name, payload: message.payload } as OutgoingSignal;
}

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
