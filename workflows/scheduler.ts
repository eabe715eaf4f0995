// The scheduler: one workflow per deployment, the only owner of the queue and of every host's
// free capacity. Every change (submit, release, host refresh) triggers a scheduling pass at once;
// the pass itself is the pure `decide` function shared with the offline simulator.
import {
  allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { decide } from '../scheduler/decide.js';
import { checkFeasible } from '../scheduler/feasibility.js';
import type { Placement } from '../scheduler/types.js';
import {
  admittedSignal, growSignal, hostLostSignal, refreshHostsSignal, refusedSignal, releaseInstancesSignal, releaseSignal,
  shrinkSignal, snapshotQuery, submitSignal, type WaitingExecution,
} from './messages.js';
import { capacitiesKnown, mergeInventory } from './host-health.js';
import type { SchedulerCarry, SchedulerInput } from './types.js';

const inventory = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Host capacities are re-read this often even when nothing asks for it. */
const HOST_REFRESH_MS = 60_000;
/** A host that does not answer for this long is lost. */
const HOST_LOSS_GRACE_MS = 5 * 60_000;
/** Continue as new well before the history gets large (Temporal warns at 10,240 events). */
const HISTORY_LIMIT = 4_000;

export async function schedulerWorkflow(input: SchedulerInput): Promise<never> {
  const state: SchedulerCarry = input.carried ?? { queue: [], placements: [], admitted: [], hosts: [], seed: 1 };
  let waiting: WaitingExecution[] = [];
  let dirty = true;
  let refreshDue = true;
  const refusals: Array<{ workflowId: string; executionId: number; reason: string }> = [];

  const known = (executionId: number) =>
    state.queue.some((q) => q.request.executionId === executionId) || state.admitted.some((a) => a.executionId === executionId);

  setHandler(submitSignal, (entry) => {
    if (known(entry.request.executionId)) return; // a retried submit
    if (capacitiesKnown(state.hosts)) {
      const verdict = checkFeasible(entry.request, state.hosts);
      if (!verdict.feasible) {
        refusals.push({ workflowId: entry.workflowId, executionId: entry.request.executionId, reason: verdict.reason });
        return;
      }
    }
    state.queue.push(entry);
    dirty = true;
  });
  function forget(executionId: number): void {
    state.queue = state.queue.filter((q) => q.request.executionId !== executionId);
    state.admitted = state.admitted.filter((a) => a.executionId !== executionId);
    state.placements = state.placements.filter((p) => p.executionId !== executionId);
    dirty = true;
  }
  setHandler(releaseSignal, ({ executionId }) => forget(executionId));
  setHandler(releaseInstancesSignal, ({ executionId, instances }) => {
    state.placements = state.placements.filter((p) => p.executionId !== executionId || !instances.includes(p.instance));
    // An admitted execution that lost elastic instances (died, or shrunk) waits for them again.
    const admitted = state.admitted.find((a) => a.executionId === executionId);
    if (admitted && !state.queue.some((q) => q.request.executionId === executionId)) {
      state.queue.push({ workflowId: admitted.workflowId, request: admitted.request });
    }
    dirty = true;
  });
  setHandler(refreshHostsSignal, () => void (refreshDue = true));
  setHandler(snapshotQuery, () => ({
    hosts: state.hosts,
    queue: state.queue.map((q) => ({ executionId: q.request.executionId, submittedAt: q.request.submittedAt, size: q.request.size })),
    placements: state.placements,
    waiting,
  }));

  for (;;) {
    if (refreshDue) {
      refreshDue = false;
      const merged = mergeInventory(state.hosts, await inventory.inventoryHosts(), state.hostHealth ?? {}, Date.now(),
        input.hostLossGraceMs ?? HOST_LOSS_GRACE_MS);
      state.hosts = merged.hosts;
      state.hostHealth = merged.health;
      for (const host of merged.newlyLost) await hostLost(host);
      refuseInfeasible();
      dirty = true;
    }
    await sendRefusals();
    if (dirty) {
      dirty = false;
      await schedulingPass();
    }
    if (workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT) || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      // Refusals are not carried; everything else is. The new run starts with a scheduling pass and
      // a host refresh, so a pending change is not lost even under sustained load (where `dirty`
      // would never be false and waiting for it would never continue as new).
      await sendRefusals();
      if (refusals.length === 0) await continueAsNew<typeof schedulerWorkflow>({ ...input, carried: state });
      continue;
    }
    const changed = await condition(() => dirty || refreshDue || refusals.length > 0, input.hostRefreshMs ?? HOST_REFRESH_MS);
    if (!changed) refreshDue = true;
  }

  async function schedulingPass(): Promise<void> {
    const admittedIds = new Set(state.admitted.map((a) => a.executionId));
    const decision = decide({
      hosts: state.hosts,
      queue: state.queue.map((q) => q.request),
      placements: state.placements,
      policy: input.policy,
      now: Date.now(),
      seed: state.seed++,
      admitted: [...admittedIds],
      headBypass: state.headBypass ?? null,
    });
    state.headBypass = decision.headBypass;
    waiting = decision.waiting;
    const workflowOf = new Map(state.queue.map((q) => [q.request.executionId, q.workflowId]));
    for (const a of state.admitted) workflowOf.set(a.executionId, a.workflowId);

    // Apply the whole decision to the state first, with no await in between: a release handled
    // while the signals below are being sent must find (and remove) everything this pass granted.
    const messages: Array<{ executionId: number; send: (h: ExternalHandle) => Promise<void>; forgetIfGone: boolean }> = [];
    for (const shrink of groupByExecution(decision.shrink)) {
      state.placements = state.placements.filter((p) => !(p.executionId === shrink.executionId && shrink.instances.has(p.instance)));
      messages.push({ executionId: shrink.executionId, send: (h) => h.signal(shrinkSignal, { placements: shrink.placements }), forgetIfGone: false });
    }
    const queued = new Map(state.queue.map((q) => [q.request.executionId, q]));
    for (const admission of decision.admit) {
      const entry = queued.get(admission.executionId);
      if (!entry) continue;
      state.placements.push(...admission.placements);
      state.admitted.push({ executionId: admission.executionId, workflowId: entry.workflowId, request: entry.request });
      messages.push({ executionId: admission.executionId, send: (h) => h.signal(admittedSignal, { placements: admission.placements }), forgetIfGone: true });
    }
    for (const grow of groupByExecution(decision.grow)) {
      state.placements.push(...grow.placements);
      messages.push({ executionId: grow.executionId, send: (h) => h.signal(growSignal, { placements: grow.placements }), forgetIfGone: true });
    }
    // An execution leaves the queue once every one of its instances is placed.
    state.queue = state.queue.filter((q) => {
      const placed = new Set(state.placements.filter((p) => p.executionId === q.request.executionId).map((p) => p.instance));
      return q.request.instances.some((i) => !placed.has(i.instance));
    });

    for (const message of messages) {
      // Released meanwhile: nothing to tell, and nothing left to take back.
      if (!known(message.executionId)) continue;
      const delivered = await tell(workflowOf.get(message.executionId), message.send);
      if (!delivered && message.forgetIfGone) forget(message.executionId); // it ended: its resources are free again
    }
  }

  /** Everything placed on a lost host is gone: its executions are told, elastic instances wait again. */
  async function hostLost(host: string): Promise<void> {
    const health = state.hostHealth?.[host];
    const seconds = health?.offlineSince === undefined ? 0 : Math.round((Date.now() - health.offlineSince) / 1000);
    const reason = `host ${host} was lost: its engine has not answered for ${seconds} s`;
    for (const group of groupByExecution(state.placements.filter((p) => p.host === host))) {
      state.placements = state.placements.filter((p) => !(p.executionId === group.executionId && p.host === host));
      const admitted = state.admitted.find((a) => a.executionId === group.executionId);
      if (admitted && !state.queue.some((q) => q.request.executionId === group.executionId)) {
        state.queue.push({ workflowId: admitted.workflowId, request: admitted.request });
      }
      await tell(admitted?.workflowId, (h) => h.signal(hostLostSignal, { host, instances: [...group.instances], reason }));
    }
    dirty = true;
  }

  /** Requests that cannot fit even on an empty pool are refused instead of waiting forever. */
  function refuseInfeasible(): void {
    if (!capacitiesKnown(state.hosts)) return;
    const admittedIds = new Set(state.admitted.map((a) => a.executionId));
    state.queue = state.queue.filter((q) => {
      if (admittedIds.has(q.request.executionId)) return true;
      const verdict = checkFeasible(q.request, state.hosts);
      if (verdict.feasible) return true;
      refusals.push({ workflowId: q.workflowId, executionId: q.request.executionId, reason: verdict.reason });
      return false;
    });
  }

  async function sendRefusals(): Promise<void> {
    while (refusals.length > 0) {
      const refusal = refusals.shift()!;
      await tell(refusal.workflowId, (h) => h.signal(refusedSignal, { reason: refusal.reason }));
    }
  }
}

type ExternalHandle = ReturnType<typeof getExternalWorkflowHandle>;

/** Signals an execution workflow; false when it has already ended (or never existed). */
async function tell(workflowId: string | undefined, send: (handle: ExternalHandle) => Promise<void>): Promise<boolean> {
  if (!workflowId) return false;
  try {
    await send(getExternalWorkflowHandle(workflowId));
    return true;
  } catch (error) {
    log.warn('could not signal an execution workflow', { workflowId, error: String(error) });
    return false;
  }
}

function groupByExecution(placements: Placement[]) {
  const groups = new Map<number, { executionId: number; placements: Placement[]; instances: Set<string> }>();
  for (const p of placements) {
    const group = groups.get(p.executionId) ?? { executionId: p.executionId, placements: [], instances: new Set<string>() };
    group.placements.push(p);
    group.instances.add(p.instance);
    groups.set(p.executionId, group);
  }
  return [...groups.values()];
}
