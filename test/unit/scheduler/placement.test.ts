import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../../scheduler/decide.js';
import type { PlacementPolicy } from '../../../scheduler/types.js';
import { GiB, essential, host, hostsOf, input, request } from './helpers.js';

const three = [host('h1', 16, 8), host('h2', 16, 8), host('h3', 16, 8)];
const fourWorkers = request(1, [essential('w0', 2), essential('w1', 2), essential('w2', 2), essential('w3', 2)]);

function hostsUsed(placement: PlacementPolicy, seed = 42): string[] {
  const decision = decide(input({ hosts: three, queue: [fourWorkers], policy: { queue: 'FIFO', placement }, seed }));
  return (decision.admit[0]?.placements ?? []).map((p) => p.host);
}

void describe('placement policies', () => {
  void it('spread puts each instance on the host with the fewest containers', () => {
    assert.deepEqual(hostsUsed('spread'), ['h1', 'h2', 'h3', 'h1']);
  });

  void it('pack fills the busiest host first', () => {
    assert.deepEqual(hostsUsed('pack'), ['h1', 'h1', 'h1', 'h1']);
  });

  void it('both prefer hosts with fewer labels, keeping special hosts free', () => {
    for (const placement of ['spread', 'pack'] as const) {
      const decision = decide(input({
        hosts: [host('gpu1', 64, 32, ['gpu']), host('plain', 8, 4)],
        queue: [request(1, [essential('a0', 2)])],
        policy: { queue: 'FIFO', placement },
      }));
      assert.equal(decision.admit[0]?.placements[0]?.host, 'plain', placement);
    }
  });

  void it('random is deterministic for a seed and varies with the seed', () => {
    assert.deepEqual(hostsUsed('random', 7), hostsUsed('random', 7));
    const outcomes = new Set(Array.from({ length: 20 }, (_, seed) => hostsUsed('random', seed).join(',')));
    assert.ok(outcomes.size > 5, `only ${outcomes.size} distinct placements over 20 seeds`);
  });

  void it('spread and pack keep decisions the same across seeds', () => {
    assert.deepEqual(hostsUsed('spread', 1), hostsUsed('spread', 2));
    assert.deepEqual(hostsUsed('pack', 1), hostsUsed('pack', 2));
  });
});

void describe('node fit', () => {
  void it('requires every service label on the host (subset)', () => {
    const decision = decide(input({
      hosts: [host('gpu-only', 16, 8, ['gpu']), host('both', 16, 8, ['gpu', 'ssd', 'x'])],
      queue: [request(1, [essential('t0', 1, 1, ['ssd', 'gpu'])])],
    }));
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '1/t0': 'both' });
  });

  void it('skips hosts labelled disabled, and says so when nothing else fits', () => {
    const decision = decide(input({
      hosts: [host('h1', 16, 8, ['disabled', 'gpu']), host('h2', 16, 8)],
      queue: [request(1, [essential('a0', 1)]), request(2, [essential('b0', 1, 1, ['gpu'])])],
    }));
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '1/a0': 'h2' });
    assert.equal(decision.waiting[0]?.reason, 'every host carrying label gpu is unavailable for b0: h1 disabled');
  });

  void it('skips offline hosts', () => {
    const decision = decide(input({
      hosts: [host('h1', 16, 8, [], false), host('h2', 2, 8)],
      queue: [request(1, [essential('a0', 1)]), request(2, [essential('b0', 4)])],
    }));
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '1/a0': 'h2' });
    assert.equal(decision.waiting[0]?.reason, 'needs 4 GiB memory for b0; largest free on any host: 1 GiB (h2)');
    assert.equal(decision.headBypass, null, 'a request only an offline host could take does not block the queue');
  });

  void it('lets an instance take a host\'s last byte (memory fit is not strict)', () => {
    const decision = decide(input({ hosts: [host('h1', 4, 1)], queue: [request(1, [essential('a0', 4, 1)])] }));
    assert.equal(decision.admit.length, 1);
  });

  void it('compares cores at millicore precision (0.1 + 0.2 fit in 0.3)', () => {
    const decision = decide(input({
      hosts: [host('h1', 4, 0.3)],
      queue: [request(1, [essential('a0', 1, 0.1), essential('a1', 1, 0.2)])],
    }));
    assert.equal(decision.admit.length, 1);
  });

  void it('explains a cores shortage', () => {
    const decision = decide(input({ hosts: [host('h1', 64, 2), host('h2', 64, 3)], queue: [request(1, [essential('a0', 1, 4)])] }));
    assert.equal(decision.waiting[0]?.reason, 'needs 4 cores for a0; most free on any host: 3 cores (h2)');
  });

  void it('explains when memory and cores are each free somewhere but never together', () => {
    const decision = decide(input({ hosts: [host('mem', 64, 1), host('cpu', 1, 32)], queue: [request(1, [essential('a0', 8, 4)])] }));
    assert.deepEqual(decision.waiting[0]?.short, {
      kind: 'capacity', instance: 'a0', memory: false, cores: false, needMemory: 8 * GiB, needCores: 4,
      bestMemory: { host: 'mem', free: 64 * GiB }, bestCores: { host: 'cpu', free: 32 }, placedBefore: 0,
    });
    assert.match(decision.waiting[0]?.reason ?? '', /^needs 8 GiB memory and 4 cores on one host for a0; no host has both free/);
  });
});
