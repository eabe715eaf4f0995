// Allocation statistics of the scheduler's view, and their mapping to Zoe's /statistics/scheduler.
import { toMillicores } from './pool.js';
import type { ExecutionRequest, HostCapacity, Placement, WaitingInfo } from './types.js';

/** Reserved = Σ reservations of the placements on the host; free = total − reserved (negative if overcommitted). */
export interface Allocation {
  memoryTotal: number;
  memoryReserved: number;
  memoryFree: number;
  coresTotal: number;
  coresReserved: number;
  coresFree: number;
  containerCount: number;
  /** reserved / total, 0 when the total is 0. */
  memoryUtilisation: number;
  coresUtilisation: number;
}

export interface HostAllocation extends Allocation {
  name: string;
  status: 'online' | 'offline';
  labels: string[];
  /** The placements on this host, essential and elastic. */
  placements: Placement[];
}

export interface SchedulerSummary {
  hosts: HostAllocation[];
  /** Sums over every host, online or not. */
  totals: Allocation;
  /** Waiting executions by position, then admitted queued executions (still growing) in arrival order. */
  queue: number[];
  /** Executions holding placements and no longer queued, ascending id. */
  running: number[];
  waiting: WaitingInfo[];
}

function allocation(memoryTotal: number, millicoresTotal: number, placements: readonly Placement[]): Allocation {
  let memoryReserved = 0;
  let millicoresReserved = 0;
  for (const placement of placements) {
    memoryReserved += placement.memory;
    millicoresReserved += toMillicores(placement.cores);
  }
  return {
    memoryTotal, memoryReserved, memoryFree: memoryTotal - memoryReserved,
    coresTotal: millicoresTotal / 1000, coresReserved: millicoresReserved / 1000,
    coresFree: (millicoresTotal - millicoresReserved) / 1000,
    containerCount: placements.length,
    memoryUtilisation: memoryTotal > 0 ? memoryReserved / memoryTotal : 0,
    coresUtilisation: millicoresTotal > 0 ? millicoresReserved / millicoresTotal : 0,
  };
}

/**
 * Summarises the scheduler's state. Placements on hosts not listed in `hosts` are left out of the
 * host rows and totals (but their executions still count as running). Inputs are not mutated.
 */
export function summarize(
  hosts: readonly HostCapacity[], placements: readonly Placement[],
  queue: readonly ExecutionRequest[], waiting: readonly WaitingInfo[],
): SchedulerSummary {
  const byHost = new Map<string, Placement[]>(hosts.map((host) => [host.name, []]));
  for (const placement of placements) byHost.get(placement.host)?.push({ ...placement });
  const rows = hosts.map((host): HostAllocation => {
    const onHost = byHost.get(host.name) ?? [];
    return {
      name: host.name, status: host.online ? 'online' : 'offline', labels: [...host.labels], placements: onHost,
      ...allocation(host.memory, toMillicores(host.cores), onHost),
    };
  });
  const known = rows.flatMap((row) => row.placements);
  const totals = allocation(
    hosts.reduce((sum, host) => sum + host.memory, 0),
    hosts.reduce((sum, host) => sum + toMillicores(host.cores), 0),
    known,
  );
  const waitingSorted = [...waiting].sort((a, b) => a.position - b.position);
  const waitingIds = new Set(waitingSorted.map((entry) => entry.executionId));
  const queued = new Set(queue.map((request) => request.executionId));
  const growing = queue.map((request) => request.executionId).filter((id) => !waitingIds.has(id));
  const running = [...new Set(placements.map((p) => p.executionId))].filter((id) => !queued.has(id)).sort((a, b) => a - b);
  return {
    hosts: rows, totals,
    queue: [...waitingSorted.map((entry) => entry.executionId), ...growing],
    running,
    waiting: waitingSorted.map((entry) => ({ ...entry })),
  };
}

/** One node of Zoe's `platform_stats.nodes`. */
export interface ZoeNodeStatistics {
  name: string;
  container_count: number;
  cores_total: number; cores_reserved: number; cores_allocated: number; cores_in_use: number;
  memory_total: number; memory_reserved: number; memory_allocated: number; memory_in_use: number;
  labels: string[];
  status: 'online' | 'offline';
  service_stats: Record<string, { core_limit: number; mem_limit: number }>;
  images: { id: string; size: number; names: string[] }[];
}

export interface ZoePlatformStatistics {
  container_count: number;
  memory_total: number; cores_total: number;
  memory_reserved: number; cores_reserved: number;
  memory_in_use: number; cores_in_use: number;
  nodes: ZoeNodeStatistics[];
}

/** Zoe's `/statistics/scheduler` body (spec §3.3). */
export interface ZoeSchedulerStatistics {
  queue_length: number;
  running_length: number;
  termination_queue_length: number;
  queue: number[];
  running_queue: number[];
  termination_queue: number[];
  /** `{}` when no host is known yet, as in Zoe before its first metrics. */
  platform_stats: ZoePlatformStatistics | Record<string, never>;
}

export interface ZoeStatisticsOptions {
  /** Executions being torn down (Zoe's termination queue). */
  terminating?: number[];
  /** Measured use per host name; without it `*_in_use` is 0, as in Zoe without a metrics store. */
  usage?: Record<string, { memory: number; cores: number }>;
  /** Database service ids by `"<executionId>/<instance>"`; without one the key itself names the service. */
  serviceIds?: Record<string, number>;
}

/**
 * Maps a summary to Zoe's shape. allocated = reserved here: the memory limit a container gets is
 * its reservation, and dynamic core limits (Zoe §7.5) are not part of the scheduler's view.
 * `images` is always empty: image inventories live with the back-ends, not the scheduler.
 */
export function toZoeStatistics(summary: SchedulerSummary, options: ZoeStatisticsOptions = {}): ZoeSchedulerStatistics {
  const terminating = [...(options.terminating ?? [])];
  const nodes = summary.hosts.map((host): ZoeNodeStatistics => {
    const usage = options.usage?.[host.name];
    const serviceStats: ZoeNodeStatistics['service_stats'] = {};
    for (const placement of host.placements) {
      const serviceKey = `${placement.executionId}/${placement.instance}`;
      serviceStats[String(options.serviceIds?.[serviceKey] ?? serviceKey)] = { core_limit: placement.cores, mem_limit: placement.memory };
    }
    return {
      name: host.name, container_count: host.containerCount,
      cores_total: host.coresTotal, cores_reserved: host.coresReserved, cores_allocated: host.coresReserved,
      cores_in_use: usage?.cores ?? 0,
      memory_total: host.memoryTotal, memory_reserved: host.memoryReserved, memory_allocated: host.memoryReserved,
      memory_in_use: usage?.memory ?? 0,
      labels: [...host.labels], status: host.status, service_stats: serviceStats, images: [],
    };
  });
  const platform: ZoeSchedulerStatistics['platform_stats'] = nodes.length === 0 ? {} : {
    container_count: summary.totals.containerCount,
    memory_total: summary.totals.memoryTotal, cores_total: summary.totals.coresTotal,
    memory_reserved: summary.totals.memoryReserved, cores_reserved: summary.totals.coresReserved,
    memory_in_use: nodes.reduce((sum, node) => sum + node.memory_in_use, 0),
    cores_in_use: nodes.reduce((sum, node) => sum + node.cores_in_use, 0),
    nodes,
  };
  return {
    queue_length: summary.queue.length, running_length: summary.running.length,
    termination_queue_length: terminating.length,
    queue: [...summary.queue], running_queue: [...summary.running], termination_queue: terminating,
    platform_stats: platform,
  };
}
