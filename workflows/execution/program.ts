// The execution workflow's decisions, as a program: it yields commands (record this, start those,
// watch them) and is resumed with each command's result; between two commands it reads what the
// signal handlers changed in the state (state.ts). Pure code, no Temporal: the workflow
// (workflow.ts) carries each command out, and unit tests run the program against a scripted world.
//
// The order of the commands is a contract with every execution already running: a replayed
// history must meet the same commands in the same order (test/replay). Change it only behind
// `patched()` (see workflows/README.md).
import type { ServiceChange, StatusChange } from '../../activities/records.js';
import type { ExitReport } from '../../backends/contract.js';
import type { ExecutionOutcome } from '../../model/execution.js';
import type { InstancePlan } from '../../model/instance.js';
import type { Placement } from '../../scheduler/types.js';
import { endings, instanceChanges, serviceChange, statusChange, statusMessages } from './changes.js';
import { type ExecutionState, hostOf, markGone, markRunning, planOf, type RunningInstance } from './state.js';

/** What the program asks the workflow to do; the next command comes once this one is done. */
export type Command =
  | { kind: 'record-status'; change: StatusChange }
  | { kind: 'record-service'; change: ServiceChange }
  /** Queue the execution with the scheduler. */
  | { kind: 'submit' }
  /** Wait until `admissionSettled`. */
  | { kind: 'await-admission' }
  /** The execution's network and workspace on a host. */
  | { kind: 'prepare-host'; host: string }
  /** Start these instances together (one startup group, or one grant); see `beginStart` and `finishStart`. */
  | { kind: 'start'; starts: Start[] }
  | { kind: 'await-readiness'; instances: Array<{ plan: InstancePlan; host: string }> }
  | { kind: 'remove-instance'; instance: string; host: string }
  | { kind: 'release-instances'; instances: string[] }
  /** The first of these to stop, or null after `maxWaitMs` or when `watchInterrupted`. Result: ExitReport | null. */
  | { kind: 'watch'; instances: RunningInstance[]; maxWaitMs: number }
  /** Remove every container of the execution but on these hosts. Result: the instances removed. */
  | { kind: 'remove-all'; skipHosts: string[] }
  /** Give everything back to the scheduler. */
  | { kind: 'release' };

/** undefined: the scheduler sent no placement for it (the start fails). */
export interface Start {
  plan: InstancePlan;
  host: string | undefined;
}

export type Program<T> = Generator<Command, T, unknown>;

/** The watch returns at least this often, so a long execution keeps a small history. */
export const WATCH_SLICE_MS = 60 * 60 * 1000;

/** The first record. Alone: if the execution has no row, nothing else happens (see the workflow). */
export function queuedRecord(state: ExecutionState): Command {
  return { kind: 'record-status', change: statusChange(state, 'queued', statusMessages.queued) };
}

/**
 * From the queue to the ending: submit, wait for admission, start the essential services group
 * by group, then watch them, applying the scheduler's grants and shrinks between two watches.
 * `clock` is the workflow's time (epoch ms).
 */
export function* run(state: ExecutionState, clock: () => number): Program<ExecutionOutcome> {
  yield { kind: 'submit' };
  yield { kind: 'await-admission' };
  if (state.refusal !== undefined) return endings.refused(state.refusal);
  if (state.admitted === undefined) return endings.notAdmitted(state.kill);
  // Admitted, even if a kill came with it: the start ends at the first group boundary.
  return yield* start(state, state.admitted, clock);
}

function* start(state: ExecutionState, placements: readonly Placement[], clock: () => number): Program<ExecutionOutcome> {
  yield record(statusChange(state, 'starting', statusMessages.starting));
  const hostOfPlacement = new Map(placements.map((p) => [p.instance, p.host]));
  for (const host of new Set(placements.map((p) => p.host))) yield* prepareHost(state, host);
  const groups = startupGroups(state.input.instances.filter((i) => i.essential));
  for (const [index, group] of groups.entries()) {
    if (state.kill) return endings.killed(state.kill);
    yield { kind: 'start', starts: group.map((plan) => ({ plan, host: hostOfPlacement.get(plan.instance) })) };
    // The next group starts once this one's declared ports accept connections.
    if (index < groups.length - 1) {
      yield {
        kind: 'await-readiness',
        instances: group.filter((plan) => plan.container.ports.length > 0).map((plan) => ({ plan, host: hostOf(state, plan.instance)! })),
      };
    }
  }
  if (state.kill) return endings.killed(state.kill);
  yield record(statusChange(state, 'running', statusMessages.running, { timeStart: true }));
  return yield* watch(state, clock);
}

/** Instances grouped by `startup_order`, ascending; a group starts once the previous one runs. */
export function startupGroups(instances: readonly InstancePlan[]): InstancePlan[][] {
  const byOrder = new Map<number, InstancePlan[]>();
  for (const instance of instances) {
    const group = byOrder.get(instance.startupOrder) ?? [];
    group.push(instance);
    byOrder.set(instance.startupOrder, group);
  }
  return [...byOrder.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

function* prepareHost(state: ExecutionState, host: string): Program<void> {
  if (state.preparedHosts.includes(host)) return;
  yield { kind: 'prepare-host', host };
  state.preparedHosts.push(host);
}

/** Part of a start: the record before the instance starts (fails the start if it has no placement). */
export function beginStart(state: ExecutionState, { plan, host }: Start): ServiceChange {
  if (host === undefined) throw new Error(`the scheduler sent no placement for ${plan.instance}`);
  return serviceChange(state, plan, instanceChanges.starting(plan.instance, host));
}

/** Part of a start: the instance runs; the record to write. */
export function finishStart(state: ExecutionState, { plan, host }: Start, started: Parameters<typeof instanceChanges.started>[2]): ServiceChange {
  markRunning(state, plan.instance, host!);
  return serviceChange(state, plan, instanceChanges.started(plan.instance, host!, started));
}

/**
 * Watches the running instances until something ends the execution. After each watch, the first
 * of these that applies wins: a kill; a lost host that had an essential instance; an essential
 * instance that stopped (an elastic one is removed, given back and placed again later); the
 * runtime limit, counted from the moment the execution runs.
 */
function* watch(state: ExecutionState, clock: () => number): Program<ExecutionOutcome> {
  const { runtimeLimitMs } = state.input;
  const deadline = runtimeLimitMs > 0 ? clock() + runtimeLimitMs : undefined;
  for (;;) {
    yield* applyElasticChanges(state);
    if (state.kill) return endings.killed(state.kill);
    const instances = state.running.map((r) => ({ ...r }));
    const maxWaitMs = deadline === undefined ? WATCH_SLICE_MS : Math.min(WATCH_SLICE_MS, Math.max(0, deadline - clock()));
    const exit = (yield { kind: 'watch', instances, maxWaitMs }) as ExitReport | null;
    if (state.kill) return endings.killed(state.kill);
    const loss = yield* handleLostHosts(state);
    if (loss) return loss;
    if (exit !== null) {
      if (planOf(state, exit.instance)?.essential !== false) return yield* essentialExited(state, exit);
      yield* elasticExited(state, exit);
    }
    if (deadline !== undefined && clock() >= deadline) return endings.runtimeLimit;
  }
}

/** Between two watches: stop what the scheduler took back, then start what it granted. */
function* applyElasticChanges(state: ExecutionState): Program<void> {
  for (let instance = state.shrinks.shift(); instance !== undefined; instance = state.shrinks.shift()) {
    const plan = planOf(state, instance);
    const host = hostOf(state, instance);
    if (plan?.essential !== false) continue; // the scheduler never shrinks essentials
    if (host !== undefined) {
      yield { kind: 'remove-instance', instance, host };
      markGone(state, instance);
      yield record(serviceChange(state, plan, instanceChanges.givenBack(instance)));
    }
    // Gone already (it died and was released): the scheduler still waits for the word.
    yield { kind: 'release-instances', instances: [instance] };
  }
  while (state.grants.length > 0 && !state.kill) {
    const grant = state.grants.shift()!;
    const plan = planOf(state, grant.instance);
    if (!plan || hostOf(state, plan.instance) !== undefined) continue;
    yield* prepareHost(state, grant.host);
    yield { kind: 'start', starts: [{ plan, host: grant.host }] };
  }
}

/**
 * A lost host took its instances with it: an essential one ends the execution with the reason;
 * elastic ones are forgotten (the scheduler already queued them to be placed again).
 */
function* handleLostHosts(state: ExecutionState): Program<ExecutionOutcome | undefined> {
  for (let loss = state.lostHosts.shift(); loss !== undefined; loss = state.lostHosts.shift()) {
    if (!state.goneHosts.includes(loss.host)) state.goneHosts.push(loss.host);
    for (const instance of loss.instances) {
      const plan = planOf(state, instance);
      if (!plan || hostOf(state, instance) !== loss.host) continue;
      markGone(state, instance);
      yield record(serviceChange(state, plan, instanceChanges.lost(plan, loss.reason)));
      if (plan.essential) return endings.hostLost(loss.reason, instance);
    }
  }
  return undefined;
}

function* essentialExited(state: ExecutionState, exit: ExitReport): Program<ExecutionOutcome> {
  const plan = planOf(state, exit.instance);
  if (plan) {
    markGone(state, exit.instance);
    yield record(serviceChange(state, plan, instanceChanges.essentialExited(exit)));
  }
  return endings.essentialExited(exit);
}

/** An elastic instance that stops is not the end: its resources go back and it is placed again. */
function* elasticExited(state: ExecutionState, exit: ExitReport): Program<void> {
  const plan = planOf(state, exit.instance)!;
  yield { kind: 'remove-instance', instance: exit.instance, host: hostOf(state, exit.instance)! };
  markGone(state, exit.instance);
  yield record(serviceChange(state, plan, instanceChanges.elasticExited(exit)));
  yield { kind: 'release-instances', instances: [exit.instance] };
}

/**
 * Whatever the ending: remove every container (but on lost hosts), record each instance removed,
 * give everything back to the scheduler, and record the end. Nothing of it is cancellable.
 */
export function* tearDown(state: ExecutionState, outcome: ExecutionOutcome): Program<void> {
  state.reason = outcome.reason;
  if (state.status !== 'queued' && state.status !== 'submitted') {
    yield record(statusChange(state, 'cleaning up', statusMessages.cleaningUp(outcome.reason)));
  }
  const removed = (yield { kind: 'remove-all', skipHosts: [...state.goneHosts] }) as string[];
  for (const instance of new Set([...removed, ...state.running.map((r) => r.instance)])) {
    const plan = planOf(state, instance);
    if (plan) yield record(serviceChange(state, plan, instanceChanges.removed(instance)));
  }
  state.running = [];
  yield { kind: 'release' };
  yield record(statusChange(state, outcome.status, outcome.reason, { timeEnd: true }));
}

function record(change: StatusChange | ServiceChange): Command {
  return 'serviceId' in change ? { kind: 'record-service', change } : { kind: 'record-status', change };
}
