// Submit-time check: could this execution's essential set ever fit on the pool?
import { probeGang } from './gang.js';
import { buildPool } from './pool.js';
import { describeShortage } from './shortage.js';
import type { ExecutionRequest, HostCapacity } from './types.js';

export type Feasibility = { feasible: true } | { feasible: false; reason: string; instance: string };

export interface FeasibilityOptions {
  /**
   * Count offline hosts as if they were online (default true): at submit time a host that is
   * briefly unreachable should not get a request refused. `decide` passes false.
   */
  includeOffline?: boolean;
}

/**
 * Whether the request's essential instances fit all together on the pool with nothing else
 * placed, under the node-fit rules of `decide`: the host is not labelled `disabled`, carries every
 * label of the instance, and has memory ≤ its total and cores ≤ its total (several instances on
 * one host add up: two 10 GiB essentials do not fit one 16 GiB host). The packing is greedy best
 * fit, largest instance first, which is exactly what `decide` falls back to, so a feasible request
 * is always placed by `decide` once the other essential instances are gone; a packing that only an
 * exhaustive search would find is not looked for. A request with no essential instance is refused.
 */
export function checkFeasible(
  request: ExecutionRequest, hosts: readonly HostCapacity[], options: FeasibilityOptions = {},
): Feasibility {
  const essentials = request.instances.filter((instance) => instance.essential);
  if (essentials.length === 0) {
    return { feasible: false, reason: 'the execution has no essential instance', instance: '' };
  }
  const pool = buildPool(
    (options.includeOffline ?? true) ? hosts.map((host) => ({ ...host, online: true })) : hosts,
    [],
  );
  const probe = probeGang(pool, essentials, () => 0);
  if (probe.fits) return { feasible: true };
  const instance = probe.short.kind === 'held' || probe.short.kind === 'invalid' ? '' : probe.short.instance;
  return { feasible: false, reason: describeShortage(probe.short), instance };
}
