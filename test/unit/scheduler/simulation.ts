// A small discrete-time loop around `decide`, the way the scheduler workflow drives it:
// executions arrive, get admitted, grow, shrink and finish; every decision is checked.
import { decide } from '../../../scheduler/decide.js';
import { checkFeasible } from '../../../scheduler/feasibility.js';
import { mulberry32, type Random } from '../../../scheduler/prng.js';
import type { ExecutionRequest, HeadBypass, HostCapacity, InstanceRequest, Placement, SchedulingPolicy } from '../../../scheduler/types.js';
import { GiB, assertConsistent } from './helpers.js';

export interface Workload {
  hosts: HostCapacity[];
  arrivals: { tick: number; request: ExecutionRequest; duration: number }[];
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A random pool and stream of requests; every request is feasible on the pool. */
export function randomWorkload(seed: number, count: number): Workload {
  const random = mulberry32(seed);
  const hosts: HostCapacity[] = Array.from({ length: 2 + Math.floor(random() * 4) }, (_, i) => ({
    name: `host${i}`, memory: pick(random, [8, 16, 32, 64]) * GiB, cores: pick(random, [4, 8, 16]),
    labels: i === 0 ? ['gpu'] : [], online: true,
  }));
  const arrivals: Workload['arrivals'] = [];
  let tick = 0;
  for (let id = 1; arrivals.length < count; id += 1) {
    tick += Math.floor(random() * 3);
    const instances: InstanceRequest[] = [];
    const essentials = 1 + Math.floor(random() * 3);
    const elastics = Math.floor(random() * 4);
    const labels = random() < 0.1 ? ['gpu'] : [];
    for (let n = 0; n < essentials + elastics; n += 1) {
      instances.push({
        instance: `svc${n}`, memory: pick(random, [0, 0.5, 1, 2, 4, 8, 16]) * GiB, cores: pick(random, [0.1, 0.5, 1, 2]),
        labels: n === 0 ? labels : [], essential: n < essentials,
      });
    }
    const request: ExecutionRequest = { executionId: id, submittedAt: tick * 1000, size: 1 + Math.floor(random() * 10), instances };
    if (checkFeasible(request, hosts).feasible) arrivals.push({ tick, request, duration: 1 + Math.floor(random() * 15) });
  }
  return { hosts, arrivals };
}

export interface SimulationResult {
  admittedAt: Map<number, number>;
  maxBypassed: number;
  /** First tick at which each head had used up the backfill limit (the queue froze behind it). */
  freezes: Map<number, number>;
  shrinks: number;
  ticks: number;
}

/** Runs until every arrival has been admitted and finished, or `maxTicks`. Throws on any inconsistency. */
export function simulate(workload: Workload, policy: SchedulingPolicy, maxTicks = 5000): SimulationResult {
  const limit = policy.backfillLimit ?? Infinity;
  const freezes = new Map<number, number>();
  const requests = new Map(workload.arrivals.map((a) => [a.request.executionId, a.request]));
  const durations = new Map(workload.arrivals.map((a) => [a.request.executionId, a.duration]));
  const endsAt = new Map<number, number>();
  const admittedAt = new Map<number, number>();
  let queue: ExecutionRequest[] = [];
  let placements: Placement[] = [];
  let headBypass: HeadBypass | null = null;
  let maxBypassed = 0;
  let shrinks = 0;
  let next = 0;
  let tick = 0;
  for (; tick < maxTicks && (next < workload.arrivals.length || queue.length > 0 || placements.length > 0); tick += 1) {
    for (const [id, end] of endsAt) {
      if (end > tick) continue;
      endsAt.delete(id);
      placements = placements.filter((p) => p.executionId !== id);
      queue = queue.filter((r) => r.executionId !== id);
    }
    while (next < workload.arrivals.length && (workload.arrivals[next]?.tick ?? Infinity) <= tick) {
      queue.push((workload.arrivals[next] as Workload['arrivals'][number]).request);
      next += 1;
    }
    const decision = decide({ hosts: workload.hosts, queue, placements, policy, now: tick * 1000, seed: tick, headBypass });
    headBypass = decision.headBypass;
    maxBypassed = Math.max(maxBypassed, headBypass?.bypassed ?? 0);
    if (headBypass && headBypass.bypassed >= limit && !freezes.has(headBypass.executionId)) freezes.set(headBypass.executionId, tick);
    const gone = new Set(decision.shrink.map((p) => `${p.executionId}/${p.instance}`));
    shrinks += gone.size;
    placements = placements.filter((p) => !gone.has(`${p.executionId}/${p.instance}`));
    const fresh = [...decision.admit.flatMap((a) => a.placements), ...decision.grow];
    placements = [...placements, ...fresh];
    for (const { executionId, placements: gang } of decision.admit) {
      const wanted = (requests.get(executionId)?.instances ?? []).filter((i) => i.essential).map((i) => i.instance).sort();
      if (admittedAt.has(executionId)) throw new Error(`execution ${executionId} admitted twice`);
      if (JSON.stringify(gang.map((p) => p.instance).sort()) !== JSON.stringify(wanted)) throw new Error(`partial gang for ${executionId}`);
      admittedAt.set(executionId, tick);
      endsAt.set(executionId, tick + (durations.get(executionId) ?? 1));
    }
    assertConsistent(workload.hosts, placements, fresh, requests);
    for (const p of decision.grow) if (!admittedAt.has(p.executionId)) throw new Error(`grow before admission: ${p.executionId}`);
    // Queued: arrived, not finished, and not admitted or missing an instance (a shrunk one comes back).
    const placedKeys = new Set(placements.map((p) => `${p.executionId}/${p.instance}`));
    queue = workload.arrivals.slice(0, next).map((a) => a.request).filter((r) => (!admittedAt.has(r.executionId) || endsAt.has(r.executionId))
      && r.instances.some((i) => !placedKeys.has(`${r.executionId}/${i.instance}`)));
  }
  return { admittedAt, maxBypassed, freezes, shrinks, ticks: tick };
}
