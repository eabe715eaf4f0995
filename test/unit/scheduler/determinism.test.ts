import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../../scheduler/decide.js';
import { mulberry32 } from '../../../scheduler/prng.js';
import type { DecideInput, ExecutionRequest, HostCapacity, Placement, PlacementPolicy, QueuePolicy } from '../../../scheduler/types.js';
import { GiB, deepFreeze, elastic, essential, host, placed, request } from './helpers.js';
import { randomWorkload } from './simulation.js';

/** A mid-flight state: part of a random workload admitted and grown, the rest queued. */
function midFlight(seed: number, queue: QueuePolicy, placement: PlacementPolicy): DecideInput {
  const workload = randomWorkload(seed, 60);
  const random = mulberry32(seed);
  const placements: Placement[] = [];
  const waiting: ExecutionRequest[] = [];
  for (const { request: r } of workload.arrivals) {
    if (random() < 0.3) {
      const target = workload.hosts[Math.floor(random() * workload.hosts.length)] as HostCapacity;
      for (const i of r.instances) if (random() < 0.5 || i.essential) placements.push(placed(r.executionId, { ...i, memory: i.memory / 8 }, target.name));
      if (random() < 0.5) waiting.push(r);
    } else {
      waiting.push(r);
    }
  }
  return { hosts: workload.hosts, queue: waiting, placements, policy: { queue, placement }, now: 500_000, seed };
}

void describe('decide is pure', () => {
  const cases: [QueuePolicy, PlacementPolicy][] = [['FIFO', 'random'], ['SIZE', 'pack'], ['DYNSIZE', 'spread'], ['DYNSIZE', 'random']];
  for (const [queue, placement] of cases) {
    void it(`same input gives a deep-equal decision and the input is never mutated (${queue}/${placement})`, () => {
      for (let seed = 1; seed <= 5; seed += 1) {
        const raw = midFlight(seed, queue, placement);
        const snapshot = structuredClone(raw);
        const frozen = deepFreeze(raw);
        const first = decide(frozen);
        const second = decide(structuredClone(snapshot));
        assert.deepEqual(first, second);
        assert.deepEqual(frozen, snapshot);
        assert.deepEqual(JSON.parse(JSON.stringify(first)), first, 'the decision is plain JSON');
      }
    });
  }

  void it('returns fresh objects: mutating the decision does not touch the input', () => {
    const a1 = elastic('a1', 4);
    const frozen = deepFreeze({
      hosts: [host('h1', 8, 8)], queue: [request(2, [essential('b0', 6)])],
      placements: [placed(1, essential('a0', 2), 'h1'), placed(1, a1, 'h1')],
      policy: { queue: 'FIFO', placement: 'spread' }, now: 0, seed: 1,
    } satisfies DecideInput);
    const decision = decide(frozen);
    assert.equal(decision.shrink.length, 1);
    assert.ok(!Object.isFrozen(decision.shrink[0]));
    assert.notEqual(decision.shrink[0], frozen.placements[1]);
  });
});

void describe('decide scales with the queue', () => {
  void it('decides a pass over 10,000 queued executions on 25 hosts quickly', () => {
    const hosts = Array.from({ length: 25 }, (_, i) => host(`h${i}`, 64, 16, i % 5 === 0 ? ['gpu'] : []));
    const random = mulberry32(7);
    const queue = Array.from({ length: 10_000 }, (_, n) => request(n + 1, [
      essential('m0', 1 + Math.floor(random() * 8), 1, random() < 0.05 ? ['gpu'] : []),
      essential('w0', Math.floor(random() * 8)), elastic('w1', 2), elastic('w2', 2),
    ], { submittedAt: n * 10, size: Math.floor(random() * 100) }));
    const frozen = deepFreeze({ hosts, queue, placements: [], policy: { queue: 'DYNSIZE', placement: 'spread' }, now: 200_000, seed: 3 } satisfies DecideInput);
    const started = performance.now();
    const decision = decide(frozen);
    const elapsed = performance.now() - started;
    assert.ok(decision.admit.length > 50);
    assert.equal(decision.admit.length + decision.waiting.length, 10_000);
    assert.ok(decision.waiting.every((w, i) => w.position === i + 1));
    assert.ok(elapsed < 3000, `took ${Math.round(elapsed)} ms`);
    assert.ok(decision.grow.every((p) => p.memory === 2 * GiB));
  });
});
