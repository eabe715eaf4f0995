// Placing instances on the pool: an execution's essential set all-or-nothing (reclaiming elastic
// capacity if needed), and elastic instances one by one into free capacity.
import { chooseHost, type Chooser } from './choose.js';
import type { Random } from './prng.js';
import {
  carriesLabels, fitsFree, fitsReclaiming, isUsable, occupy, reclaimElastic, toMillicores, vacate,
  type HostState, type Pool,
} from './pool.js';
import { diagnose } from './shortage.js';
import type { InstanceRequest, Placement, PlacementPolicy, Shortage } from './types.js';

export type GangOutcome =
  | { placed: true; placements: Placement[]; shrunk: Placement[] }
  | { placed: false; short: Shortage };

type Tentative = { host: HostState; instance: InstanceRequest; requestIndex: number }[];
type AttemptResult = { ok: true; tentative: Tentative } | { ok: false; short: Shortage };

/** Largest memory first, then most cores, then request order: first-fit-decreasing packs best. */
function largestFirst(instances: readonly InstanceRequest[]): { instance: InstanceRequest; requestIndex: number }[] {
  return instances
    .map((instance, requestIndex) => ({ instance, requestIndex }))
    .sort((a, b) => (b.instance.memory - a.instance.memory)
      || (toMillicores(b.instance.cores) - toMillicores(a.instance.cores))
      || (a.requestIndex - b.requestIndex));
}

function undo(tentative: Tentative): void {
  for (const { host, instance } of tentative) vacate(host, instance.memory, toMillicores(instance.cores));
}

/**
 * Places every instance tentatively, each on a usable host carrying its labels where it fits
 * with elastic capacity counted as free. With `preferFree`, hosts where it fits without
 * reclaiming anything are chosen from first. On failure nothing stays placed.
 */
function attempt(pool: Pool, instances: readonly InstanceRequest[], chooser: Chooser, preferFree: boolean, random: Random): AttemptResult {
  const tentative: Tentative = [];
  for (const { instance, requestIndex } of largestFirst(instances)) {
    const candidates = pool.hosts.filter((h) => isUsable(h) && carriesLabels(h, instance.labels) && fitsReclaiming(h, instance));
    if (candidates.length === 0) {
      const short = diagnose(pool, instance, tentative.length);
      undo(tentative);
      return { ok: false, short };
    }
    const free = preferFree ? candidates.filter((h) => fitsFree(h, instance)) : [];
    const host = chooseHost(chooser, free.length > 0 ? free : candidates, instance, random);
    occupy(host, instance.memory, toMillicores(instance.cores));
    tentative.push({ host, instance, requestIndex });
  }
  return { ok: true, tentative };
}

function toPlacement(executionId: number, instance: InstanceRequest, host: HostState): Placement {
  return {
    executionId, instance: instance.instance, host: host.name,
    memory: instance.memory, cores: instance.cores, essential: instance.essential,
  };
}

/**
 * Places an essential set all-or-nothing and commits it to `pool`. Instances go largest first;
 * the first try uses the placement policy, preferring hosts with enough free capacity; if that
 * leaves an instance unplaced, a second try uses best fit over capacity with every elastic
 * placement counted as free (the same procedure `checkFeasible` runs on an empty pool, so an
 * execution that is feasible always fits once the other essentials are gone). Hosts overdrawn by
 * the result give back elastic placements (`reclaimElastic`), listed in `shrunk`.
 * On failure the pool is unchanged and `short` explains the instance the best-fit try could not place.
 */
export function placeGang(
  pool: Pool, executionId: number, essentials: readonly InstanceRequest[], policy: PlacementPolicy, random: Random,
): GangOutcome {
  let result = attempt(pool, essentials, policy, true, random);
  if (!result.ok) result = attempt(pool, essentials, 'best-fit', false, random);
  if (!result.ok) return { placed: false, short: result.short };
  const touched = [...new Set(result.tentative.map((entry) => entry.host))];
  const shrunk = touched.flatMap((host) => reclaimElastic(host));
  const placements = [...result.tentative]
    .sort((a, b) => a.requestIndex - b.requestIndex)
    .map(({ instance, host }) => toPlacement(executionId, instance, host));
  return { placed: true, placements, shrunk };
}

/** Whether an essential set would fit now (best fit, elastic counted as free); leaves `pool` unchanged. */
export function probeGang(pool: Pool, essentials: readonly InstanceRequest[], random: Random): { fits: true } | { fits: false; short: Shortage } {
  const result = attempt(pool, essentials, 'best-fit', false, random);
  if (!result.ok) return { fits: false, short: result.short };
  undo(result.tentative);
  return { fits: true };
}

/**
 * Places one elastic instance into free capacity only (elastic never reclaims anything), on a
 * usable host carrying its labels, chosen by the policy. Returns null when it fits nowhere.
 */
export function placeElastic(
  pool: Pool, executionId: number, instance: InstanceRequest, policy: PlacementPolicy, random: Random,
): Placement | null {
  const candidates = pool.hosts.filter((h) => isUsable(h) && carriesLabels(h, instance.labels) && fitsFree(h, instance));
  if (candidates.length === 0) return null;
  const host = chooseHost(policy, candidates, instance, random);
  occupy(host, instance.memory, toMillicores(instance.cores));
  const placement = toPlacement(executionId, instance, host);
  host.elasticMemory += placement.memory;
  host.elasticMillicores += toMillicores(placement.cores);
  host.elastic.push(placement);
  return placement;
}
