// The pool as one scheduling pass sees it: per-host free capacity, the elastic placements that may
// be reclaimed, and the node-fit rules. Internal to the scheduler; mutated only within one pass.
import type { HostCapacity, InstanceRequest, Placement } from './types.js';

/** A host carrying this label takes no new work (Zoe's maintenance drain). */
export const DISABLED_LABEL = 'disabled';

/** Cores are compared in whole millicores, so that 0.1 + 0.2 cores fit in 0.3. */
export function toMillicores(cores: number): number {
  return Math.round(cores * 1000);
}

export interface HostState {
  readonly name: string;
  /** Position in the input `hosts`: the last tie-break everywhere. */
  readonly index: number;
  readonly labels: ReadonlySet<string>;
  readonly online: boolean;
  readonly disabled: boolean;
  readonly totalMemory: number;
  readonly totalMillicores: number;
  /** Total minus every placement, existing or tentative. Negative only while a gang overdraws it. */
  freeMemory: number;
  freeMillicores: number;
  /** Part of the used capacity held by elastic placements that may still be shrunk. */
  elasticMemory: number;
  elasticMillicores: number;
  containers: number;
  /** Existing elastic placements on this host, in give-way order (`compareGiveWay`). */
  elastic: Placement[];
}

export interface Pool {
  hosts: HostState[];
  byName: Map<string, HostState>;
}

/** Splits `spark-worker10` into `spark-worker` and 10 so instance numbers compare as numbers. */
function splitInstanceName(name: string): [string, number] {
  const match = /^(.*?)(\d+)$/.exec(name);
  return match ? [match[1] ?? '', Number(match[2])] : [name, -1];
}

/**
 * Order in which elastic placements give way: the newest execution (highest id) first, and within
 * one execution the highest-numbered instance first. Independent of the queue policy, so the same
 * instances are reclaimed whatever the order of the queue.
 */
export function compareGiveWay(a: Placement, b: Placement): number {
  if (a.executionId !== b.executionId) return b.executionId - a.executionId;
  const [prefixA, numberA] = splitInstanceName(a.instance);
  const [prefixB, numberB] = splitInstanceName(b.instance);
  if (prefixA !== prefixB) return prefixA < prefixB ? 1 : -1;
  return numberB - numberA;
}

/**
 * Builds the pool from host capacities and current placements. Placements on hosts missing from
 * `hosts` are ignored (they occupy nothing the scheduler can hand out).
 */
export function buildPool(hosts: readonly HostCapacity[], placements: readonly Placement[]): Pool {
  const states = hosts.map((host, index): HostState => ({
    name: host.name,
    index,
    labels: new Set(host.labels),
    online: host.online,
    disabled: host.labels.includes(DISABLED_LABEL),
    totalMemory: host.memory,
    totalMillicores: toMillicores(host.cores),
    freeMemory: host.memory,
    freeMillicores: toMillicores(host.cores),
    elasticMemory: 0,
    elasticMillicores: 0,
    containers: 0,
    elastic: [],
  }));
  const byName = new Map<string, HostState>();
  for (const state of states) if (!byName.has(state.name)) byName.set(state.name, state);
  for (const placement of placements) {
    const host = byName.get(placement.host);
    if (!host) continue;
    occupy(host, placement.memory, toMillicores(placement.cores));
    if (!placement.essential) {
      host.elasticMemory += placement.memory;
      host.elasticMillicores += toMillicores(placement.cores);
      host.elastic.push(placement);
    }
  }
  for (const state of states) state.elastic.sort(compareGiveWay);
  return { hosts: states, byName };
}

/** New work may land here: online and not labelled `disabled`. */
export function isUsable(host: HostState): boolean {
  return host.online && !host.disabled;
}

/** The host carries every label the instance asks for. */
export function carriesLabels(host: HostState, labels: readonly string[]): boolean {
  return labels.every((label) => host.labels.has(label));
}

/**
 * Fits in what is free now. Memory fit is non-strict (`memory ≤ free`): unlike Zoe's `<`, an
 * instance may take a host's last byte. Cores compare at millicore precision.
 */
export function fitsFree(host: HostState, instance: InstanceRequest): boolean {
  return instance.memory <= host.freeMemory && toMillicores(instance.cores) <= host.freeMillicores;
}

/** Fits if every elastic placement on the host were shrunk (what essentials may claim). */
export function fitsReclaiming(host: HostState, instance: InstanceRequest): boolean {
  return instance.memory <= host.freeMemory + host.elasticMemory
    && toMillicores(instance.cores) <= host.freeMillicores + host.elasticMillicores;
}

export function occupy(host: HostState, memory: number, millicores: number): void {
  host.freeMemory -= memory;
  host.freeMillicores -= millicores;
  host.containers += 1;
}

export function vacate(host: HostState, memory: number, millicores: number): void {
  host.freeMemory += memory;
  host.freeMillicores += millicores;
  host.containers -= 1;
}

/**
 * Brings an overdrawn host back to non-negative free capacity by shrinking its elastic
 * placements in give-way order, then gives back, highest priority first, any shrunk placement
 * that still fits (so a small instance is not stopped needlessly after a large one freed enough).
 * Returns the placements to shrink; the host's state reflects their removal.
 */
export function reclaimElastic(host: HostState): Placement[] {
  const shrunk: Placement[] = [];
  while ((host.freeMemory < 0 || host.freeMillicores < 0) && host.elastic.length > 0) {
    const victim = host.elastic.shift() as Placement;
    vacateElastic(host, victim);
    shrunk.push(victim);
  }
  for (let i = shrunk.length - 1; i >= 0; i -= 1) {
    const candidate = shrunk[i] as Placement;
    if (candidate.memory <= host.freeMemory && toMillicores(candidate.cores) <= host.freeMillicores) {
      occupy(host, candidate.memory, toMillicores(candidate.cores));
      host.elasticMemory += candidate.memory;
      host.elasticMillicores += toMillicores(candidate.cores);
      host.elastic.unshift(candidate);
      shrunk.splice(i, 1);
    }
  }
  return shrunk;
}

function vacateElastic(host: HostState, placement: Placement): void {
  vacate(host, placement.memory, toMillicores(placement.cores));
  host.elasticMemory -= placement.memory;
  host.elasticMillicores -= toMillicores(placement.cores);
}
