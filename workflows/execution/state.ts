// The execution workflow's state as plain data, and what each message does to it. Pure code: the
// workflow's signal handlers call `receive` and `requestKill`, the program (program.ts) reads and
// changes the state between its commands, and the unit tests drive both without Temporal.
import type { Placement } from '../../scheduler/types.js';
import type { ExecutionInput, ExecutionProgress } from '../../model/execution.js';
import type { InstancePlan } from '../../model/instance.js';
import type { ExecutionStatus } from '../../model/statuses.js';
import type { HostLoss, SchedulerMessage } from '../messages.js';

export interface RunningInstance {
  instance: string;
  host: string;
}

export interface ExecutionState {
  readonly input: ExecutionInput;
  /** The status last recorded (set as its record is written). */
  status: ExecutionStatus;
  /** Sequence number of the last record: each record carries the next, so a retried one is written once. */
  seq: number;
  /** Number of the last placement message taken; the scheduler may send one twice. */
  mailSeq: number;
  /** Why the execution ended, once it has (the progress query shows it during teardown). */
  reason: string | undefined;
  /** The essential instances' placements, once admitted (the first admission counts). */
  admitted: Placement[] | undefined;
  refusal: string | undefined;
  /** The first kill request; later ones change nothing. */
  kill: { reason: string } | undefined;
  /** Elastic grants not started yet, in the order received. */
  grants: Placement[];
  /** Elastic instances the scheduler took back after they were handed over to be started, still to stop. */
  shrinks: string[];
  /** Host losses not handled yet, in the order received. */
  lostHosts: HostLoss[];
  /** Hosts handled as lost: teardown does not wait for their engines. */
  goneHosts: string[];
  /** Instances started and not removed since, in start order. */
  running: RunningInstance[];
  /** Hosts where the execution's network and workspace are ready. */
  preparedHosts: string[];
}

export function createState(input: ExecutionInput): ExecutionState {
  return {
    input, status: 'submitted', seq: 0, mailSeq: 0, reason: undefined, admitted: undefined, refusal: undefined,
    kill: undefined, grants: [], shrinks: [], lostHosts: [], goneHosts: [], running: [], preparedHosts: [],
  };
}

/** A kill request: the first one's reason is the execution's. */
export function requestKill(state: ExecutionState, reason: string): void {
  state.kill ??= { reason };
}

/**
 * What a message from the scheduler does. Returns the instances to give back to the scheduler at
 * once: elastic grants shrunk before they were started (the scheduler lets nothing else start on
 * their capacity until it hears they are gone).
 */
export function receive(state: ExecutionState, message: SchedulerMessage): string[] {
  switch (message.kind) {
    case 'admitted':
      if (fresh(state, message.payload.seq)) state.admitted ??= message.payload.placements;
      return [];
    case 'refused':
      state.refusal ??= message.payload.reason;
      return [];
    case 'grow':
      if (fresh(state, message.payload.seq)) state.grants.push(...message.payload.placements);
      return [];
    case 'shrink':
      return fresh(state, message.payload.seq) ? shrink(state, message.payload.placements) : [];
    case 'host-lost':
      state.lostHosts.push(message.payload);
      return [];
  }
}

/** Placement messages arrive in the order the scheduler sent them; one sent again is ignored. */
function fresh(state: ExecutionState, seq: number): boolean {
  if (seq <= state.mailSeq) return false;
  state.mailSeq = seq;
  return true;
}

/** A grant not started yet is simply never started; a started one is stopped between two watches. */
function shrink(state: ExecutionState, placements: readonly Placement[]): string[] {
  const neverStarted: string[] = [];
  for (const { instance } of placements) {
    const pending = state.grants.findIndex((g) => g.instance === instance);
    if (pending >= 0) neverStarted.push(...state.grants.splice(pending, 1).map((g) => g.instance));
    else state.shrinks.push(instance);
  }
  return neverStarted;
}

/** Admitted, refused or killed: the wait in the queue is over. */
export const admissionSettled = (state: ExecutionState): boolean =>
  state.admitted !== undefined || state.refusal !== undefined || state.kill !== undefined;

/** Something the watch must stop for: a kill, a grant, a shrink or a lost host. */
export const watchInterrupted = (state: ExecutionState): boolean =>
  state.kill !== undefined || state.grants.length > 0 || state.shrinks.length > 0 || state.lostHosts.length > 0;

export function progressOf(state: ExecutionState): ExecutionProgress {
  return { status: state.status, reason: state.reason, runningInstances: state.running.map((r) => r.instance) };
}

export const planOf = (state: ExecutionState, instance: string): InstancePlan | undefined =>
  state.input.instances.find((i) => i.instance === instance);

export const hostOf = (state: ExecutionState, instance: string): string | undefined =>
  state.running.find((r) => r.instance === instance)?.host;

export function markRunning(state: ExecutionState, instance: string, host: string): void {
  const known = state.running.find((r) => r.instance === instance);
  if (known) known.host = host;
  else state.running.push({ instance, host });
}

export function markGone(state: ExecutionState, instance: string): void {
  state.running = state.running.filter((r) => r.instance !== instance);
}
