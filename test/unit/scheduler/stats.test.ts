import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../../scheduler/decide.js';
import { summarize, toZoeStatistics } from '../../../scheduler/stats.js';
import { GiB, deepFreeze, elastic, essential, host, placed, request } from './helpers.js';

const hosts = [host('h1', 16, 8, ['ssd']), host('h2', 8, 4, [], false)];
const a0 = essential('a0', 4, 1.5);
const a1 = elastic('a1', 2, 0.5);
const placements = [placed(1, a0, 'h1'), placed(1, a1, 'h1'), placed(2, essential('b0', 2, 1), 'h2')];
const queue = [request(2, [essential('b0', 2, 1), elastic('b1', 1)]), request(3, [essential('c0', 64)])];

function scenario() {
  const input = deepFreeze({ hosts, queue, placements, policy: { queue: 'FIFO', placement: 'spread' }, now: 0, seed: 1 } as const);
  const decision = decide(input);
  return { input, decision, summary: summarize(input.hosts, input.placements, input.queue, decision.waiting) };
}

void describe('summarize', () => {
  void it('gives per-host reservations, free capacity, utilisation and status', () => {
    const { summary } = scenario();
    assert.deepEqual(summary.hosts.map(({ placements: onHost, ...rest }) => ({ ...rest, count: onHost.length })), [
      {
        name: 'h1', status: 'online', labels: ['ssd'], count: 2, containerCount: 2,
        memoryTotal: 16 * GiB, memoryReserved: 6 * GiB, memoryFree: 10 * GiB, memoryUtilisation: 6 / 16,
        coresTotal: 8, coresReserved: 2, coresFree: 6, coresUtilisation: 2 / 8,
      },
      {
        name: 'h2', status: 'offline', labels: [], count: 1, containerCount: 1,
        memoryTotal: 8 * GiB, memoryReserved: 2 * GiB, memoryFree: 6 * GiB, memoryUtilisation: 2 / 8,
        coresTotal: 4, coresReserved: 1, coresFree: 3, coresUtilisation: 1 / 4,
      },
    ]);
    assert.equal(summary.totals.memoryReserved, 8 * GiB);
    assert.equal(summary.totals.containerCount, 3);
    assert.equal(summary.totals.coresUtilisation, 3 / 12);
  });

  void it('lists the queue (waiting by position, then growing) and the running executions', () => {
    const { summary } = scenario();
    assert.deepEqual(summary.queue, [3, 2]);
    assert.deepEqual(summary.running, [1]);
    assert.equal(summary.waiting[0]?.executionId, 3);
  });
});

void describe('toZoeStatistics', () => {
  void it('serves Zoe\'s /statistics/scheduler shape', () => {
    const { summary } = scenario();
    const stats = toZoeStatistics(summary, { terminating: [1], usage: { h1: { memory: GiB, cores: 0.5 } }, serviceIds: { '1/a0': 17 } });
    assert.deepEqual(Object.keys(stats).sort(), [
      'platform_stats', 'queue', 'queue_length', 'running_length', 'running_queue', 'termination_queue', 'termination_queue_length',
    ]);
    assert.equal(stats.queue_length, 2);
    assert.deepEqual(stats.running_queue, [1]);
    assert.deepEqual(stats.termination_queue, [1]);
    assert.equal(stats.termination_queue_length, 1);
    assert.ok('nodes' in stats.platform_stats);
    const platform = stats.platform_stats;
    assert.equal(platform.memory_total, 24 * GiB);
    assert.equal(platform.cores_reserved, 3);
    assert.equal(platform.memory_in_use, GiB);
    assert.deepEqual(platform.nodes[0], {
      name: 'h1', container_count: 2,
      cores_total: 8, cores_reserved: 2, cores_allocated: 2, cores_in_use: 0.5,
      memory_total: 16 * GiB, memory_reserved: 6 * GiB, memory_allocated: 6 * GiB, memory_in_use: GiB,
      labels: ['ssd'], status: 'online',
      service_stats: { 17: { core_limit: 1.5, mem_limit: 4 * GiB }, '1/a1': { core_limit: 0.5, mem_limit: 2 * GiB } },
      images: [],
    });
    assert.equal(platform.nodes[1]?.status, 'offline');
  });

  void it('gives empty platform_stats before any host is known', () => {
    const stats = toZoeStatistics(summarize([], [], [], []));
    assert.deepEqual(stats, {
      queue_length: 0, running_length: 0, termination_queue_length: 0,
      queue: [], running_queue: [], termination_queue: [], platform_stats: {},
    });
  });
});
