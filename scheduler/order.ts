// Queue order under FIFO, SIZE and DYNSIZE.
import type { ExecutionRequest, SchedulingPolicy } from './types.js';
import { GiB } from '../model/units.js';

/** DYNSIZE's default ageing: 0.25 core·GiB per second, Zoe's "256 MiB × cores per second". */
export const DEFAULT_DYNSIZE_AGEING = 0.25;


export interface QueueEntry {
  request: ExecutionRequest;
  /** Index in the input queue, i.e. arrival rank. */
  arrival: number;
  /** DYNSIZE only: the aged size at `now`. */
  effectiveSize?: number;
}

/** DYNSIZE's base size: (Σ cores over all instances) × (Σ memory over all instances, in GiB). */
export function dynamicSize(request: ExecutionRequest): number {
  let cores = 0;
  let memory = 0;
  for (const instance of request.instances) {
    cores += instance.cores;
    memory += instance.memory;
  }
  return cores * (memory / GiB);
}

/**
 * Sorts the queue (never in place). Ties always go to the earlier arrival.
 * - FIFO: arrival order.
 * - SIZE: ascending `request.size`.
 * - DYNSIZE: ascending aged size `dynamicSize(r) − ageing × (now − r.submittedAt) / 1000`, with
 *   `ageing` = `policy.dynsizeAgeing` (core·GiB per second). The age is measured from submission at
 *   every pass, so it never accumulates across passes (Zoe's bug), and the aged size is not reset
 *   when it drops below zero. Since every request ages at the same rate, this order equals the
 *   order of `submittedAt + 1000 × dynamicSize(r) / ageing`, independent of `now`: a request is
 *   queued as if it had arrived `size / ageing` seconds late, so every request submitted more than
 *   that long after it is ordered behind it, and nothing starves. With `ageing ≤ 0`, DYNSIZE sorts
 *   by `dynamicSize` only.
 */
export function orderQueue(queue: readonly ExecutionRequest[], policy: SchedulingPolicy, now: number): QueueEntry[] {
  const entries: QueueEntry[] = queue.map((request, arrival) => ({ request, arrival }));
  if (policy.queue === 'FIFO') return entries;
  if (policy.queue === 'SIZE') {
    return entries.sort((a, b) => (a.request.size - b.request.size) || (a.arrival - b.arrival));
  }
  const ageing = policy.dynsizeAgeing ?? DEFAULT_DYNSIZE_AGEING;
  const keyed = entries.map((entry) => {
    const size = dynamicSize(entry.request);
    const effectiveSize = size - Math.max(0, ageing) * ((now - entry.request.submittedAt) / 1000);
    const key = ageing > 0 ? entry.request.submittedAt + (1000 * size) / ageing : size;
    return { entry: { ...entry, effectiveSize }, key };
  });
  keyed.sort((a, b) => (a.key - b.key) || (a.entry.arrival - b.entry.arrival));
  return keyed.map(({ entry }) => entry);
}
