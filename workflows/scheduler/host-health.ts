// How the scheduler tells a host that blinked from a host that is gone. A host whose engine does
// not answer is offline at once (it receives no new work) but keeps its last known capacity; after
// the grace period it is declared lost, and what ran there is handled: executions whose essential
// instances were there end with the reason, elastic instances are placed again elsewhere. A lost
// host that answers again takes work again. Pure code: the scheduler workflow and tests use it.
import type { HostCapacity } from '../../scheduler/types.js';

export interface HostHealth {
  /** Workflow time (epoch ms) the host was first seen offline, in the current outage. */
  offlineSince?: number;
  lost?: boolean;
}

export interface InventoryMerge {
  hosts: HostCapacity[];
  health: Record<string, HostHealth>;
  /** Hosts declared lost by this merge (they were not before). */
  newlyLost: string[];
}

export function mergeInventory(
  previous: readonly HostCapacity[], fresh: readonly HostCapacity[],
  health: Readonly<Record<string, HostHealth>>, now: number, graceMs: number,
): InventoryMerge {
  const next: Record<string, HostHealth> = {};
  const newlyLost: string[] = [];
  const hosts = fresh.map((host): HostCapacity => {
    if (host.online) {
      next[host.name] = {};
      return { ...host, labels: [...host.labels] };
    }
    const before = health[host.name] ?? {};
    const offlineSince = before.offlineSince ?? now;
    const lost = before.lost === true || now - offlineSince >= graceMs;
    if (lost && before.lost !== true) newlyLost.push(host.name);
    next[host.name] = { offlineSince, lost };
    const known = previous.find((p) => p.name === host.name);
    return { ...(known ?? host), labels: [...(known ?? host).labels], online: false };
  });
  return { hosts, health: next, newlyLost };
}

/**
 * True when every host's capacity is known: a host that has never answered reports 0 bytes and 0
 * cores, and a request must not be refused as "never fits" because of a host not yet heard from.
 */
export function capacitiesKnown(hosts: readonly HostCapacity[]): boolean {
  return hosts.length > 0 && hosts.every((host) => host.online || host.memory > 0 || host.cores > 0);
}
