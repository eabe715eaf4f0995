// Builders and checks shared by the scheduler tests.
import type {
  DecideInput, ExecutionRequest, HostCapacity, InstanceRequest, Placement, SchedulingPolicy,
} from '../../../scheduler/types.js';

export const GiB = 1024 ** 3;

export function host(name: string, memoryGiB: number, cores: number, labels: string[] = [], online = true): HostCapacity {
  return { name, memory: memoryGiB * GiB, cores, labels, online };
}

export function essential(instance: string, memoryGiB: number, cores = 1, labels: string[] = []): InstanceRequest {
  return { instance, memory: memoryGiB * GiB, cores, labels, essential: true };
}

export function elastic(instance: string, memoryGiB: number, cores = 1, labels: string[] = []): InstanceRequest {
  return { instance, memory: memoryGiB * GiB, cores, labels, essential: false };
}

export function request(executionId: number, instances: InstanceRequest[], extra: Partial<ExecutionRequest> = {}): ExecutionRequest {
  return { executionId, submittedAt: executionId * 1000, size: executionId, instances, ...extra };
}

/** A placement as `decide` would produce it for `instance` of `executionId` on `hostName`. */
export function placed(executionId: number, instance: InstanceRequest, hostName: string): Placement {
  return {
    executionId, instance: instance.instance, host: hostName,
    memory: instance.memory, cores: instance.cores, essential: instance.essential,
  };
}

export const FIFO_SPREAD: SchedulingPolicy = { queue: 'FIFO', placement: 'spread' };

export function input(partial: Partial<DecideInput> & Pick<DecideInput, 'hosts' | 'queue'>): DecideInput {
  return { placements: [], policy: FIFO_SPREAD, now: 1_000_000, seed: 42, ...partial };
}

/** Freezes a value and everything reachable from it, so any mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

/** Hosts by name of each placement, for short assertions. */
export function hostsOf(placements: readonly Placement[]): Record<string, string> {
  return Object.fromEntries(placements.map((p) => [`${p.executionId}/${p.instance}`, p.host]));
}

/** Throws unless every host's placements fit its capacity, labels and status rules hold for `fresh`. */
export function assertConsistent(hosts: readonly HostCapacity[], placements: readonly Placement[], fresh: readonly Placement[],
  requests: ReadonlyMap<number, ExecutionRequest>): void {
  for (const h of hosts) {
    const on = placements.filter((p) => p.host === h.name);
    const memory = on.reduce((sum, p) => sum + p.memory, 0);
    const millicores = on.reduce((sum, p) => sum + Math.round(p.cores * 1000), 0);
    if (memory > h.memory || millicores > Math.round(h.cores * 1000)) throw new Error(`host ${h.name} overcommitted`);
  }
  for (const p of fresh) {
    const h = hosts.find((candidate) => candidate.name === p.host);
    const wanted = requests.get(p.executionId)?.instances.find((i) => i.instance === p.instance);
    if (!h || !h.online || h.labels.includes('disabled')) throw new Error(`${p.instance} placed on unusable host ${p.host}`);
    if (!wanted || !wanted.labels.every((label) => h.labels.includes(label))) throw new Error(`${p.instance} labels not on ${p.host}`);
  }
}
