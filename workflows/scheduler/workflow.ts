// The scheduler: one workflow per deployment, the only owner of the queue and of every host's
// free capacity. Every change (submit, release, host refresh) triggers a scheduling pass at once;
// the pass itself is the pure `decide` function shared with the offline simulator.
import {
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { MailActivities } from '../../activities/mail.js';
import { decide } from '../../scheduler/decide.js';
import { checkFeasible } from '../../scheduler/feasibility.js';
import {
  type Letter, refreshHostsSignal, releaseInstancesSignal, releaseSignal, signalOf, snapshotQuery, submitSignal,
  type WaitingExecution,
} from '../messages.js';
import { capacitiesKnown, mergeInventory } from './host-health.js';
import { type SchedulerState, packCarry, unpackCarry } from './carry.js';
import {
  type Mail, applyDecision, emptyLedger, forget, heldReady, isKnown, loseHost, releaseHeld, releaseInstances,
  requestsToDecide,
} from './ledger.js';
import { check, releaseInstancesPayload, releasePayload, submitPayload } from './payloads.js';
import type { SchedulerInput } from './types.js';

/** Host capacities are re-read this often even when nothing asks for it. */
const HOST_REFRESH_MS = 60_000;
/** A host that does not answer for this long is lost. */
const HOST_LOSS_GRACE_MS = 5 * 60_000;
/** Continue as new well before the history gets large (Temporal warns at 10,240 events). */
const HISTORY_LIMIT = 4_000;
/**
 * Admissions (and grown executions) one pass applies; the rest waits for the next pass, which
 * runs once these are delivered. It bounds one mail activity's input (a few hundred bytes per
 * execution, far below Temporal's 2 MB payload limit) and lets the history check run between
 * shares of a burst.
 */
export const MAX_GRANTS_PER_PASS = 500;

export async function schedulerWorkflow(input: SchedulerInput): Promise<never> {
  // Both run on the scheduler's own task queue (its worker serves them): under a burst they do not
  // wait behind the executions' activities.
  const { inventoryHosts } = proxyActivities<Pick<Activities, 'inventoryHosts'>>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const { deliverMail } = proxyActivities<MailActivities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
  });
  const state: SchedulerState = input.carried
    ? unpackCarry(input.carried, input.deployment)
    // Message numbers start from the clock: a scheduler started afresh never reuses one.
    : { ...emptyLedger(), hosts: [], seed: 1, headBypass: null, hostHealth: {}, mailSeq: Date.now() * 1000 };
  let waiting: WaitingExecution[] = [];
  let dirty = true;
  let refreshDue = true;
  const refusals: Array<{ workflowId: string; reason: string }> = [];

  setHandler(submitSignal, (payload) => {
    const verdict = check(submitPayload, payload);
    if (!verdict.ok) {
      log.warn('scheduler: a submit was refused by its validator', { reason: verdict.reason });
      const workflowId = (payload as { workflowId?: unknown } | undefined)?.workflowId;
      if (typeof workflowId === 'string' && workflowId.length > 0) refusals.push({ workflowId, reason: verdict.reason });
      return;
    }
    const entry = verdict.value;
    if (isKnown(state, entry.request.executionId)) return; // a retried submit
    if (capacitiesKnown(state.hosts)) {
      const feasible = checkFeasible(entry.request, state.hosts);
      if (!feasible.feasible) {
        refusals.push({ workflowId: entry.workflowId, reason: feasible.reason });
        return;
      }
    }
    state.queue.push(entry);
    dirty = true;
  });
  setHandler(releaseSignal, (payload) => {
    const verdict = check(releasePayload, payload);
    if (!verdict.ok) return void log.warn('scheduler: a release was refused by its validator', { reason: verdict.reason });
    forget(state, verdict.value.executionId);
    dirty = true;
  });
  setHandler(releaseInstancesSignal, (payload) => {
    const verdict = check(releaseInstancesPayload, payload);
    if (!verdict.ok) return void log.warn('scheduler: a release of instances was refused by its validator', { reason: verdict.reason });
    releaseInstances(state, verdict.value.executionId, verdict.value.instances);
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
      const merged = mergeInventory(state.hosts, await inventoryHosts(), state.hostHealth, Date.now(),
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
    if (heldReady(state)) await deliver(releaseHeld(state));
    if (workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT) || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      // Refusals are not carried; everything else is. The new run starts with a scheduling pass and
      // a host refresh, so a pending change is not lost even under sustained load (where `dirty`
      // would never be false and waiting for it would never continue as new).
      await sendRefusals();
      if (refusals.length === 0) await continueAsNew<typeof schedulerWorkflow>({ ...input, carried: packCarry(state, input.deployment) });
      continue;
    }
    const changed = await condition(() => dirty || refreshDue || refusals.length > 0 || heldReady(state),
      input.hostRefreshMs ?? HOST_REFRESH_MS);
    if (!changed) refreshDue = true;
  }

  async function schedulingPass(): Promise<void> {
    const decision = decide({
      hosts: state.hosts,
      queue: requestsToDecide(state),
      placements: state.placements,
      policy: input.policy,
      now: Date.now(),
      seed: state.seed++,
      admitted: state.admitted.map((a) => a.executionId),
      headBypass: state.headBypass,
    });
    state.headBypass = decision.headBypass;
    waiting = decision.waiting;
    const applied = applyDecision(state, decision, MAX_GRANTS_PER_PASS);
    if (applied.truncated) dirty = true;
    await deliver(applied.mail);
  }

  /**
   * Sends every execution its mail (each execution's messages in order) through one activity, and
   * waits for it before the next pass. The wait batches: what arrives meanwhile is decided together
   * in the next pass. An execution that has ended holds nothing any more.
   */
  async function deliver(mail: Mail[]): Promise<void> {
    const letters = mail.map(({ workflowId, messages }) => ({
      workflowId,
      signals: messages.map(({ kind, placements }) => signalOf({ kind, payload: { placements, seq: ++state.mailSeq } })),
    }));
    await send(letters);
  }

  async function send(letters: Letter[]): Promise<void> {
    if (letters.length === 0) return;
    const { gone } = await deliverMail(letters);
    for (const workflowId of new Set(gone)) {
      const ended = executionOf(workflowId);
      if (ended !== undefined) forget(state, ended);
      dirty = true;
    }
  }

  /** The execution a workflow id belongs to, among those the scheduler knows. */
  function executionOf(workflowId: string): number | undefined {
    return state.admitted.find((a) => a.workflowId === workflowId)?.executionId
      ?? state.queue.find((q) => q.workflowId === workflowId)?.request.executionId;
  }

  /** Everything placed on a lost host is gone: its executions are told, elastic instances wait again. */
  async function hostLost(host: string): Promise<void> {
    const health = state.hostHealth[host];
    const seconds = health?.offlineSince === undefined ? 0 : Math.round((Date.now() - health.offlineSince) / 1000);
    const reason = `host ${host} was lost: its engine has not answered for ${seconds} s`;
    const lost = loseHost(state, host).filter((l) => l.workflowId !== undefined);
    await send(lost.map(({ workflowId, instances }) => ({ workflowId: workflowId!, signals: [signalOf({ kind: 'host-lost', payload: { host, instances, reason } })] })));
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
      refusals.push({ workflowId: q.workflowId, reason: verdict.reason });
      return false;
    });
  }

  async function sendRefusals(): Promise<void> {
    const sending = refusals.splice(0);
    await send(sending.map((refusal) => ({ workflowId: refusal.workflowId, signals: [signalOf({ kind: 'refused', payload: { reason: refusal.reason } })] })));
  }
}
