// Pure helpers of the execution workflow, kept apart so they can be unit-tested without Temporal.
import type { InstancePlan } from '../../model/instance.js';

export interface EndRequest {
  kind: 'kill' | 'runtime-limit';
  reason: string;
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
