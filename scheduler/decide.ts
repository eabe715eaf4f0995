// One scheduling pass: Zoe's elastic scheduler as a pure, deterministic function of plain JSON.
import { checkFeasible } from './feasibility.js';
import { placeElastic, placeGang, probeGang } from './gang.js';
import { orderQueue, type QueueEntry } from './order.js';
import { buildPool } from './pool.js';
import { mulberry32 } from './prng.js';
import { describeShortage } from './shortage.js';
import type { Decision, DecideInput, HeadBypass, Placement, Shortage, WaitingInfo } from './types.js';

export { DEFAULT_DYNSIZE_AGEING } from './order.js';

/** How many executions may pass one blocked head by default (`SchedulingPolicy.backfillLimit`). */
export const DEFAULT_BACKFILL_LIMIT = 10;

const key = (executionId: number, instance: string): string => `${executionId}/${instance}`;

/**
 * Decides one pass. Pure: the same input gives a deep-equal decision, and the input is never
 * mutated (the decision holds fresh objects only). Inputs are trusted, not validated: finite
 * non-negative numbers, host names unique (placements go to the first host of a name), instance
 * names unique within an execution.
 *
 * State read from the input:
 * - An execution is *admitted* when it is listed in `admitted` or holds an essential placement. Queued admitted
 *   executions only wait for elastic instances; every other queued execution waits for admission.
 * - Free capacity of a host = total − Σ placements on it. Only hosts that are online and not
 *   labelled `disabled` receive work; an instance also needs every one of its labels on the host,
 *   memory ≤ free (non-strict) and cores ≤ free (millicore precision).
 *
 * The pass:
 * 1. Order the queue by the queue policy (`orderQueue`).
 * 2. Walk the executions waiting for admission in that order and place each one's essential set
 *    all-or-nothing (`placeGang`). Elastic placements give way to essentials: capacity they hold
 *    counts as free for an essential set, and the ones in the way are returned in `shrink`
 *    (newest execution's first; see `compareGiveWay`). Progress means "this execution was
 *    placed", so a request reserving no memory never blocks anything.
 * 3. Backfill, bounded. The *head* is the first execution in order whose essential set does not
 *    fit now but would fit on the online, enabled hosts if they were empty (one that cannot fit
 *    even then waits without blocking anyone). Executions after the head may still be admitted,
 *    each one counting as one bypass of the head; bypasses accumulate across passes in
 *    `headBypass` for as long as the same execution stays head. Once `backfillLimit` bypasses are
 *    reached, no execution after the head is admitted until it is. Since admitted essentials only
 *    leave when executions end and elastic capacity always yields, the head is admitted at the
 *    latest when the essentials present at the freeze have ended (it fits an empty pool, by the
 *    same best-fit procedure). Under FIFO and DYNSIZE only finitely many executions can ever be
 *    ordered before a given one, so every feasible execution is eventually admitted. SIZE keeps
 *    Zoe's meaning: a steady stream of smaller requests may keep a large one waiting.
 * 4. Grow: for every admitted queued execution, in queue order, place each elastic instance it
 *    lacks into free capacity with the placement policy; the ones that fit nowhere are skipped
 *    (they are tried again on the next pass). An instance shrunk in this pass is not grown again
 *    in the same pass. Growth never reclaims anything, so it never delays an admission.
 */
export function decide(input: DecideInput): Decision {
  const { policy } = input;
  const limit = Math.max(0, Math.floor(policy.backfillLimit ?? DEFAULT_BACKFILL_LIMIT));
  const random = mulberry32(input.seed);
  const pool = buildPool(input.hosts, input.placements);
  const held = new Set(input.placements.map((p) => key(p.executionId, p.instance)));
  const admitted = new Set(input.admitted ?? []);
  for (const placement of input.placements) if (placement.essential) admitted.add(placement.executionId);
  const order = orderQueue(input.queue, policy, input.now);

  const admit: Decision['admit'] = [];
  const shrink: Placement[] = [];
  const waiting: { entry: QueueEntry; short: Shortage }[] = [];
  let head: HeadBypass | null = null;

  for (const entry of order) {
    const { request } = entry;
    if (admitted.has(request.executionId)) continue;
    const essentials = request.instances.filter((instance) => instance.essential);
    if (essentials.length === 0) {
      waiting.push({ entry, short: { kind: 'invalid', detail: 'the execution has no essential instance' } });
      continue;
    }
    if (head !== null && head.bypassed >= limit) {
      const probe = probeGang(pool, essentials, random);
      const short: Shortage = probe.fits
        ? { kind: 'held', headExecutionId: head.executionId, backfillLimit: limit }
        : probe.short;
      waiting.push({ entry, short });
      continue;
    }
    const outcome = placeGang(pool, request.executionId, essentials, policy.placement, random);
    if (outcome.placed) {
      admit.push({ executionId: request.executionId, placements: outcome.placements });
      admitted.add(request.executionId);
      shrink.push(...outcome.shrunk.map((p) => ({ ...p })));
      if (head !== null) head.bypassed += 1;
      continue;
    }
    waiting.push({ entry, short: outcome.short });
    if (head === null && checkFeasible(request, input.hosts, { includeOffline: false }).feasible) {
      const previous = input.headBypass;
      const carried = previous && previous.executionId === request.executionId ? previous.bypassed : 0;
      head = { executionId: request.executionId, bypassed: carried };
    }
  }

  const shrunk = new Set(shrink.map((p) => key(p.executionId, p.instance)));
  const grow: Placement[] = [];
  for (const { request } of order) {
    if (!admitted.has(request.executionId)) continue;
    for (const instance of request.instances) {
      const id = key(request.executionId, instance.instance);
      if (instance.essential || held.has(id) || shrunk.has(id)) continue;
      const placement = placeElastic(pool, request.executionId, instance, policy.placement, random);
      if (placement) grow.push(placement);
    }
  }

  return {
    admit, grow, shrink,
    waiting: waiting.map(({ entry, short }, index) => toWaitingInfo(entry, short, index + 1)),
    order: order.map((entry) => entry.request.executionId),
    headBypass: head,
  };
}

function toWaitingInfo(entry: QueueEntry, short: Shortage, position: number): WaitingInfo {
  const info: WaitingInfo = { executionId: entry.request.executionId, position, reason: describeShortage(short), short };
  if (entry.effectiveSize !== undefined) info.effectiveSize = entry.effectiveSize;
  return info;
}
