// The scheduler workflow's bookkeeping as pure functions over plain JSON: who waits, who holds
// what, what was taken back and is not gone yet, and which messages must wait for it. The workflow
// only receives messages, calls these, and sends the mail they return; every rule here is unit
// tested without Temporal (test/scheduler/ledger.test.ts).
//
// Two rules keep a host from ever being over-committed while elastic instances are taken back:
// - A shrunk instance stays *draining* until its execution confirms the container is gone (or was
//   never started, or the execution ended). Its capacity already belongs to whoever the decision
//   gave it to, so `decide` does not see it; but
// - mail that places instances on a host with draining instances is *held* until those are gone,
//   so no container starts on capacity another container still occupies.
// Mail to one execution is always delivered in the order it was decided (shrink, admitted, grow).
import type { Decision, ExecutionRequest, Placement } from '../../scheduler/types.js';
import type { PlacementMessageKind } from '../messages.js';

export interface QueuedExecution {
  workflowId: string;
  request: ExecutionRequest;
}

export type AdmittedExecution = QueuedExecution & { executionId: number };

/**
 * A placement message before it is numbered and sent (workflows/messages.ts). Held mail keeps it
 * across continue-as-new in this shape.
 */
export interface Message {
  kind: PlacementMessageKind;
  placements: Placement[];
}

/** Messages for one execution, to deliver in order. */
export interface Mail {
  executionId: number;
  workflowId: string;
  messages: Message[];
}

/** Mail that waits for draining instances (keys `executionId/instance`) to be gone. */
export interface HeldMail extends Mail {
  waitsFor: string[];
}

export interface DrainingInstance {
  executionId: number;
  instance: string;
  host: string;
}

export interface Ledger {
  /** Executions waiting for admission, or admitted and missing elastic instances; arrival order. */
  queue: QueuedExecution[];
  /** Every reservation: what runs, what is starting, what was granted (even if its mail is held). */
  placements: Placement[];
  /** Executions whose essential set was placed. */
  admitted: AdmittedExecution[];
  draining: DrainingInstance[];
  held: HeldMail[];
}

export const emptyLedger = (): Ledger => ({ queue: [], placements: [], admitted: [], draining: [], held: [] });

const key = (executionId: number, instance: string): string => `${executionId}/${instance}`;

export function isKnown(ledger: Ledger, executionId: number): boolean {
  return ledger.queue.some((q) => q.request.executionId === executionId)
    || ledger.admitted.some((a) => a.executionId === executionId);
}

/** An admitted execution goes back to the queue (once) to wait for elastic instances again. */
function requeue(ledger: Ledger, executionId: number): void {
  const admitted = ledger.admitted.find((a) => a.executionId === executionId);
  if (admitted && !ledger.queue.some((q) => q.request.executionId === executionId)) {
    ledger.queue.push({ workflowId: admitted.workflowId, request: admitted.request });
  }
}

/** The execution ended (or withdrew): everything it held or waited for is gone. */
export function forget(ledger: Ledger, executionId: number): void {
  ledger.queue = ledger.queue.filter((q) => q.request.executionId !== executionId);
  ledger.admitted = ledger.admitted.filter((a) => a.executionId !== executionId);
  ledger.placements = ledger.placements.filter((p) => p.executionId !== executionId);
  ledger.draining = ledger.draining.filter((d) => d.executionId !== executionId);
  ledger.held = ledger.held.filter((h) => h.executionId !== executionId);
}

/** Elastic instances an execution stopped (died, shrunk, or shrunk before they started): free again. */
export function releaseInstances(ledger: Ledger, executionId: number, instances: readonly string[]): void {
  const gone = new Set(instances);
  ledger.placements = ledger.placements.filter((p) => p.executionId !== executionId || !gone.has(p.instance));
  ledger.draining = ledger.draining.filter((d) => d.executionId !== executionId || !gone.has(d.instance));
  requeue(ledger, executionId);
}

/** A host is lost: nothing placed there occupies anything any more. Returns what each execution lost. */
export function loseHost(ledger: Ledger, host: string): Array<{ executionId: number; workflowId: string | undefined; instances: string[] }> {
  const lost = new Map<number, string[]>();
  for (const p of ledger.placements) if (p.host === host) lost.set(p.executionId, [...(lost.get(p.executionId) ?? []), p.instance]);
  ledger.placements = ledger.placements.filter((p) => p.host !== host);
  ledger.draining = ledger.draining.filter((d) => d.host !== host);
  return [...lost].map(([executionId, instances]) => {
    requeue(ledger, executionId);
    return { executionId, workflowId: ledger.admitted.find((a) => a.executionId === executionId)?.workflowId, instances };
  });
}

export interface Applied {
  /** Mail to send now. Held mail stays in the ledger until `releaseHeld` returns it. */
  mail: Mail[];
  /** The decision was cut to the per-pass limit: run another pass. */
  truncated: boolean;
}

/**
 * Applies a decision to the ledger, at most `limit` admissions and grown executions of it (one
 * pass's signals must stay far below Temporal's history limit; the rest waits for the next pass,
 * which the caller runs at once). Everything is applied before anything is sent, so a release
 * handled while the mail goes out finds, and removes, everything this pass granted.
 */
export function applyDecision(ledger: Ledger, decision: Decision, limit: number): Applied {
  const admits = decision.admit.slice(0, limit);
  const admittedIds = new Set([...ledger.admitted.map((a) => a.executionId), ...admits.map((a) => a.executionId)]);
  const growable = decision.grow.filter((p) => admittedIds.has(p.executionId));
  const growIds = [...new Set(growable.map((p) => p.executionId))].slice(0, Math.max(0, limit - admits.length));
  const grows = growable.filter((p) => growIds.includes(p.executionId));
  const truncated = admits.length < decision.admit.length || grows.length < growable.length;

  const outbox = new Map<number, Message[]>();
  const post = (executionId: number, message: Message) => outbox.set(executionId, [...(outbox.get(executionId) ?? []), message]);

  for (const p of decision.shrink) {
    ledger.placements = ledger.placements.filter((q) => !(q.executionId === p.executionId && q.instance === p.instance));
    requeue(ledger, p.executionId); // whatever happens to the instance, it is placed again later
    if (withdrawHeldGrant(ledger, p)) continue; // never told: nothing to take back
    ledger.draining.push({ executionId: p.executionId, instance: p.instance, host: p.host });
    post(p.executionId, { kind: 'shrink', placements: [p] });
  }
  const queued = new Map(ledger.queue.map((q) => [q.request.executionId, q]));
  for (const admission of admits) {
    const entry = queued.get(admission.executionId);
    if (!entry) continue;
    ledger.placements.push(...admission.placements);
    ledger.admitted.push({ executionId: admission.executionId, workflowId: entry.workflowId, request: entry.request });
    post(admission.executionId, { kind: 'admitted', placements: admission.placements });
  }
  for (const executionId of growIds) {
    const placements = grows.filter((p) => p.executionId === executionId);
    ledger.placements.push(...placements);
    post(executionId, { kind: 'grow', placements });
  }
  // An execution leaves the queue once every one of its instances is placed.
  const placed = new Set(ledger.placements.map((p) => key(p.executionId, p.instance)));
  ledger.queue = ledger.queue.filter((q) => q.request.instances.some((i) => !placed.has(key(q.request.executionId, i.instance))));

  const workflowOf = new Map(ledger.admitted.map((a) => [a.executionId, a.workflowId]));
  const mail: Mail[] = [];
  for (const [executionId, messages] of outbox) {
    const workflowId = workflowOf.get(executionId);
    if (workflowId === undefined) continue;
    const shrinks = messages.filter((m) => m.kind === 'shrink');
    const grants = messages.filter((m) => m.kind !== 'shrink');
    const waitsFor = drainingUnder(ledger, grants);
    const held = ledger.held.find((h) => h.executionId === executionId);
    if (shrinks.length > 0) mail.push({ executionId, workflowId, messages: shrinks });
    if (grants.length === 0) continue;
    if (held) {
      held.messages.push(...grants); // after what is already held: delivery stays in order
      held.waitsFor = [...new Set([...held.waitsFor, ...waitsFor])];
    } else if (waitsFor.length > 0) {
      ledger.held.push({ executionId, workflowId, messages: grants, waitsFor });
    } else {
      const sent = mail.find((m) => m.executionId === executionId);
      if (sent) sent.messages.push(...grants);
      else mail.push({ executionId, workflowId, messages: grants });
    }
  }
  return { mail, truncated };
}

/** Held mail whose draining instances are all gone: removed from the ledger, to send now. */
export function releaseHeld(ledger: Ledger): Mail[] {
  const ready = readyHeld(ledger);
  ledger.held = ledger.held.filter((h) => !ready.includes(h));
  return ready.map(({ executionId, workflowId, messages }) => ({ executionId, workflowId, messages }));
}

/** True when `releaseHeld` would return something. */
export function heldReady(ledger: Ledger): boolean {
  return readyHeld(ledger).length > 0;
}

function readyHeld(ledger: Ledger): HeldMail[] {
  if (ledger.held.length === 0) return [];
  const draining = drainingKeys(ledger);
  return ledger.held.filter((h) => h.waitsFor.every((k) => !draining.has(k)));
}

const drainingKeys = (ledger: Ledger): Set<string> => new Set(ledger.draining.map((d) => key(d.executionId, d.instance)));

/**
 * The requests as `decide` must see them: a draining instance is not placed again before its
 * execution confirms it is gone (the confirmation frees the instance's placement, whichever it is).
 */
export function requestsToDecide(ledger: Ledger): ExecutionRequest[] {
  if (ledger.draining.length === 0) return ledger.queue.map((q) => q.request);
  const draining = drainingKeys(ledger);
  return ledger.queue.map(({ request }) => ({
    ...request,
    instances: request.instances.filter((i) => !draining.has(key(request.executionId, i.instance))),
  }));
}

/** Keys of the instances draining on the hosts these messages place instances on. */
function drainingUnder(ledger: Ledger, messages: readonly Message[]): string[] {
  const hosts = new Set(messages.flatMap((m) => m.placements.map((p) => p.host)));
  return ledger.draining.filter((d) => hosts.has(d.host)).map((d) => key(d.executionId, d.instance));
}

/** A shrunk elastic grant still in held mail is simply taken out of it: the execution never knew. */
function withdrawHeldGrant(ledger: Ledger, shrunk: Placement): boolean {
  const held = ledger.held.find((h) => h.executionId === shrunk.executionId);
  if (!held) return false;
  for (const message of held.messages) {
    const index = message.placements.findIndex((p) => p.instance === shrunk.instance && !p.essential);
    if (index < 0) continue;
    message.placements.splice(index, 1);
    held.messages = held.messages.filter((m) => m.placements.length > 0);
    if (held.messages.length === 0) ledger.held = ledger.held.filter((h) => h !== held);
    return true;
  }
  return false;
}
