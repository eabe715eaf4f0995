// Why an instance does not fit, as data (`Shortage`) and as one plain sentence for users.
import { carriesLabels, isUsable, toMillicores, type HostState, type Pool } from './pool.js';
import type { InstanceRequest, Shortage } from './types.js';
import { formatBytes, formatCores } from '../model/units.js';

function best(hosts: readonly HostState[], amount: (host: HostState) => number): HostState | null {
  let winner: HostState | null = null;
  for (const host of hosts) if (winner === null || amount(host) > amount(winner)) winner = host;
  return winner;
}

/**
 * Diagnoses an instance that fits nowhere in `pool`, in its current (possibly tentative) state.
 * Free capacity here counts elastic placements as free, because essentials may reclaim them.
 */
export function diagnose(pool: Pool, instance: InstanceRequest, placedBefore: number): Shortage {
  const carriers = pool.hosts.filter((host) => carriesLabels(host, instance.labels));
  if (carriers.length === 0) return { kind: 'labels', instance: instance.instance, labels: [...instance.labels] };
  const usable = carriers.filter(isUsable);
  if (usable.length === 0) {
    return {
      kind: 'hosts', instance: instance.instance, labels: [...instance.labels],
      unusable: carriers.map((host) => ({ host: host.name, state: host.online ? 'disabled' : 'offline' })),
    };
  }
  const mostMemory = best(usable, (h) => h.freeMemory + h.elasticMemory);
  const mostCores = best(usable, (h) => h.freeMillicores + h.elasticMillicores);
  const freeMemory = mostMemory ? mostMemory.freeMemory + mostMemory.elasticMemory : 0;
  const freeMillicores = mostCores ? mostCores.freeMillicores + mostCores.elasticMillicores : 0;
  return {
    kind: 'capacity', instance: instance.instance,
    memory: instance.memory > freeMemory,
    cores: toMillicores(instance.cores) > freeMillicores,
    needMemory: instance.memory, needCores: instance.cores,
    bestMemory: mostMemory ? { host: mostMemory.name, free: freeMemory } : null,
    bestCores: mostCores ? { host: mostCores.name, free: freeMillicores / 1000 } : null,
    placedBefore,
  };
}

function labelText(labels: readonly string[]): string {
  return labels.length === 1 ? `label ${labels[0]}` : `labels ${labels.join(', ')}`;
}

function capacityText(short: Extract<Shortage, { kind: 'capacity' }>): string {
  const memory = short.bestMemory ? `${formatBytes(short.bestMemory.free)} (${short.bestMemory.host})` : 'none';
  const cores = short.bestCores ? `${formatCores(short.bestCores.free)} (${short.bestCores.host})` : 'none';
  const gang = short.placedBefore > 0
    ? ` after placing ${short.placedBefore} other essential instance${short.placedBefore === 1 ? '' : 's'} of this execution`
    : '';
  const needs = `${formatBytes(short.needMemory)} memory`;
  const needsCores = formatCores(short.needCores);
  if (short.memory && !short.cores) {
    return `needs ${needs} for ${short.instance}${gang}; largest free on any host: ${memory}`;
  }
  if (short.cores && !short.memory) {
    return `needs ${needsCores} for ${short.instance}${gang}; most free on any host: ${cores}`;
  }
  if (short.cores && short.memory) {
    return `needs ${needs} and ${needsCores} for ${short.instance}${gang}; largest free on any host: ${memory}, ${cores}`;
  }
  return `needs ${needs} and ${needsCores} on one host for ${short.instance}${gang}; `
    + `no host has both free (largest free memory: ${memory}; most free cores: ${cores})`;
}

/** The plain sentence for a shortage, e.g. "no host carries label gpu (needed by worker0)". */
export function describeShortage(short: Shortage): string {
  switch (short.kind) {
    case 'labels':
      return short.labels.length === 0
        ? `no host is configured (needed by ${short.instance})`
        : `no host carries ${labelText(short.labels)} (needed by ${short.instance})`;
    case 'hosts': {
      const states = short.unusable.map((entry) => `${entry.host} ${entry.state}`).join(', ');
      const which = short.labels.length === 0 ? 'every host' : `every host carrying ${labelText(short.labels)}`;
      return `${which} is unavailable for ${short.instance}: ${states}`;
    }
    case 'capacity':
      return capacityText(short);
    case 'held':
      return `would fit, but is held back so that execution ${short.headExecutionId}, first in line, is not starved `
        + `(${short.backfillLimit} executions have already been admitted ahead of it)`;
    case 'invalid':
      return short.detail;
  }
}
