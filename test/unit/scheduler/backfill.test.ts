import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BACKFILL_LIMIT, decide } from '../../../scheduler/decide.js';
import type { QueuePolicy, PlacementPolicy } from '../../../scheduler/types.js';
import { essential, host, input, placed, request } from './helpers.js';
import { randomWorkload, simulate } from './simulation.js';

const busy = [placed(100, essential('x0', 6), 'h1')];
const hosts = [host('h1', 8, 8)];
const blockedHead = request(1, [essential('big0', 4)]);
const small = (id: number) => request(id, [essential(`s${id}`, 0.25)]);

void describe('progress and backfilling', () => {
  void it('a request reserving no memory is admitted and does not block the queue', () => {
    const decision = decide(input({
      hosts,
      queue: [request(1, [essential('zero0', 0, 1)]), request(2, [essential('b0', 1)])],
      placements: busy,
      policy: { queue: 'FIFO', placement: 'spread', backfillLimit: 0 },
    }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [1, 2]);
  });

  void it('lets smaller executions pass a blocked head and counts them', () => {
    const decision = decide(input({ hosts, queue: [blockedHead, small(2), small(3)], placements: busy }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [2, 3]);
    assert.deepEqual(decision.headBypass, { executionId: 1, bypassed: 2 });
    assert.equal(decision.waiting[0]?.executionId, 1);
  });

  void it('freezes the queue behind the head once the limit is reached, across passes', () => {
    const policy = { queue: 'FIFO', placement: 'spread', backfillLimit: 3 } as const;
    const decision = decide(input({
      hosts, queue: [blockedHead, small(2), small(3), small(4)], placements: busy, policy,
      headBypass: { executionId: 1, bypassed: 2 },
    }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [2]);
    assert.deepEqual(decision.headBypass, { executionId: 1, bypassed: 3 });
    assert.deepEqual(decision.waiting.map((w) => [w.executionId, w.position, w.short.kind]), [[1, 1, 'capacity'], [3, 2, 'held'], [4, 3, 'held']]);
    assert.equal(decision.waiting[1]?.reason,
      'would fit, but is held back so that execution 1, first in line, is not starved (3 executions have already been admitted ahead of it)');
  });

  void it('restarts the count when the head changes', () => {
    const decision = decide(input({
      hosts, queue: [blockedHead, small(2)], placements: busy,
      headBypass: { executionId: 99, bypassed: 1000 },
    }));
    assert.deepEqual(decision.headBypass, { executionId: 1, bypassed: 1 });
  });

  void it('backfillLimit 0 keeps Zoe\'s strict order', () => {
    const decision = decide(input({
      hosts, queue: [blockedHead, small(2)], placements: busy,
      policy: { queue: 'FIFO', placement: 'spread', backfillLimit: 0 },
    }));
    assert.deepEqual(decision.admit, []);
    assert.deepEqual(decision.headBypass, { executionId: 1, bypassed: 0 });
  });

  void it('admits the head as soon as it fits, clearing the guard', () => {
    const decision = decide(input({ hosts, queue: [blockedHead, small(2)], headBypass: { executionId: 1, bypassed: DEFAULT_BACKFILL_LIMIT } }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [1, 2]);
    assert.equal(decision.headBypass, null);
  });

  void it('a request no online host can ever take does not become the head', () => {
    const decision = decide(input({
      hosts: [host('h1', 8, 8), host('gpu', 8, 8, ['gpu'], false)],
      queue: [request(1, [essential('t0', 1, 1, ['gpu'])]), small(2)],
      policy: { queue: 'FIFO', placement: 'spread', backfillLimit: 0 },
    }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [2]);
    assert.equal(decision.headBypass, null);
    assert.equal(decision.waiting[0]?.reason, 'every host carrying label gpu is unavailable for t0: gpu offline');
  });
});

void describe('property: under bounded backfill every request is eventually admitted', () => {
  const queues: QueuePolicy[] = ['FIFO', 'SIZE', 'DYNSIZE'];
  const placements: PlacementPolicy[] = ['spread', 'pack', 'random'];
  for (let seed = 1; seed <= 6; seed += 1) {
    const queue = queues[seed % 3] as QueuePolicy;
    const placement = placements[Math.floor(seed / 3) % 3] as PlacementPolicy;
    void it(`seed ${seed}: ${queue}/${placement}`, () => {
      const workload = randomWorkload(seed, 120);
      const limit = seed % 2 === 0 ? 2 : 5;
      const result = simulate(workload, { queue, placement, backfillLimit: limit });
      const missing = workload.arrivals.filter((a) => !result.admittedAt.has(a.request.executionId)).map((a) => a.request.executionId);
      assert.deepEqual(missing, [], `not admitted after ${result.ticks} ticks`);
      assert.ok(result.maxBypassed <= limit, `a head was bypassed ${result.maxBypassed} times (limit ${limit})`);
    });
  }

  void it('FIFO: a head that froze the queue at tick t is admitted by t + the longest run', () => {
    for (const seed of [99, 100, 101]) {
      const workload = randomWorkload(seed, 150);
      const longest = Math.max(...workload.arrivals.map((a) => a.duration));
      const result = simulate(workload, { queue: 'FIFO', placement: 'spread', backfillLimit: 2 });
      assert.ok(result.freezes.size > 0 && result.shrinks > 0, `seed ${seed} exercises freezing and shrinking`);
      for (const [head, frozenAt] of result.freezes) {
        const admittedAt = result.admittedAt.get(head) ?? Infinity;
        assert.ok(admittedAt <= frozenAt + longest, `seed ${seed}: head ${head} froze at ${frozenAt}, admitted at ${admittedAt}`);
      }
    }
  });
});
