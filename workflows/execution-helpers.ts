// Pure helpers of the execution workflow, kept apart so they can be unit-tested without Temporal.
import type { InstancePlan } from './types.js';

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

/** A failure's message, with its cause when that says more (activity failures wrap the real error). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : '';
  return detail && !error.message.includes(detail) ? `${error.message}: ${detail}` : error.message;
}

/** The application failure type behind an activity failure, if any. */
export function failureType(error: unknown): string | undefined {
  const cause = (error as { cause?: { type?: unknown } }).cause;
  return typeof cause?.type === 'string' ? cause.type : undefined;
}
