import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../../scheduler/decide.js';
import { elastic, essential, host, hostsOf, input, placed, request } from './helpers.js';

void describe('decide: elastic instances', () => {
  void it('grows an admitted execution opportunistically and skips what does not fit', () => {
    const decision = decide(input({
      hosts: [host('h1', 8, 8)],
      queue: [request(1, [essential('m0', 2), elastic('w0', 4), elastic('w1', 4), elastic('w2', 1)])],
    }));
    assert.deepEqual(decision.admit.map((a) => a.placements.map((p) => p.instance)), [['m0']]);
    assert.deepEqual(decision.grow.map((p) => p.instance), ['w0', 'w2']);
    assert.ok(decision.grow.every((p) => !p.essential));
  });

  void it('gives earlier executions first pick of the elastic capacity left after admissions', () => {
    const decision = decide(input({
      hosts: [host('h1', 10, 8)],
      queue: [request(1, [essential('a0', 2), elastic('a1', 4)]), request(2, [essential('b0', 2), elastic('b1', 4)])],
    }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [1, 2]);
    assert.deepEqual(decision.grow.map((p) => `${p.executionId}/${p.instance}`), ['1/a1']);
  });

  void it('never admits later essentials into capacity an elastic holds when a free host exists', () => {
    const w0 = elastic('w0', 6);
    const decision = decide(input({
      hosts: [host('h1', 8, 8), host('h2', 8, 8)],
      queue: [request(2, [essential('b0', 4)])],
      placements: [placed(1, essential('a0', 2), 'h1'), placed(1, w0, 'h1')],
    }));
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '2/b0': 'h2' });
    assert.deepEqual(decision.shrink, []);
  });
});

void describe('decide: a later execution\'s essentials beat an earlier execution\'s elastic instances', () => {
  const a0 = essential('a0', 2);
  const a1 = elastic('a1', 2);
  const a2 = elastic('a2', 2);
  const a3 = elastic('a3', 2);
  const running = [placed(1, a0, 'h1'), placed(1, a1, 'h1'), placed(1, a2, 'h1'), placed(1, a3, 'h1')];

  void it('shrinks running elastic instances just enough to admit the essential set', () => {
    const decision = decide(input({
      hosts: [host('h1', 8, 8)],
      queue: [request(2, [essential('b0', 3)])],
      placements: running,
    }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [2]);
    assert.deepEqual(decision.shrink.map((p) => p.instance), ['a3', 'a2'], 'highest-numbered instance gives way first');
    assert.deepEqual(decision.grow, [], 'a shrunk instance is not grown back in the same pass');
  });

  void it('gives back a shrunk instance that turned out not to be needed', () => {
    const small = elastic('s1', 1);
    const big = elastic('b1', 4);
    // Execution 3's small elastic yields first (newest), but execution 1's big one had to go too;
    // once it has, the small one fits again and stays.
    const decision = decide(input({
      hosts: [host('h1', 8, 8)],
      queue: [request(4, [essential('n0', 4)])],
      placements: [placed(1, essential('x0', 1), 'h1'), placed(1, big, 'h1'), placed(3, small, 'h1'), placed(3, essential('y0', 1), 'h1')],
    }));
    assert.deepEqual(decision.shrink.map((p) => `${p.executionId}/${p.instance}`), ['1/b1']);
  });

  void it('shrinks the newest execution\'s elastic instances before older ones', () => {
    const decision = decide(input({
      hosts: [host('h1', 8, 8)],
      queue: [request(9, [essential('n0', 2)])],
      placements: [placed(1, essential('x0', 2), 'h1'), placed(1, elastic('x1', 2), 'h1'),
        placed(5, essential('y0', 2), 'h1'), placed(5, elastic('y1', 2), 'h1')],
    }));
    assert.deepEqual(decision.shrink.map((p) => `${p.executionId}/${p.instance}`), ['5/y1']);
  });

  void it('never shrinks elastic instances for another elastic instance', () => {
    const decision = decide(input({
      hosts: [host('h1', 8, 8)],
      queue: [request(2, [essential('b0', 0), elastic('b1', 4)])],
      placements: running,
      admitted: [2],
    }));
    assert.deepEqual(decision.shrink, []);
    assert.deepEqual(decision.grow, []);
  });

  void it('does not shrink anything for an essential set that would not fit anyway', () => {
    const decision = decide(input({
      hosts: [host('h1', 8, 8)],
      queue: [request(2, [essential('b0', 7)])],
      placements: running,
    }));
    assert.deepEqual(decision.shrink, []);
    assert.deepEqual(decision.admit, []);
    assert.match(decision.waiting[0]?.reason ?? '', /largest free on any host: 6 GiB \(h1\)/);
  });

  void it('admits with shrinking rather than wait when the yielding capacity is the only room', () => {
    const decision = decide(input({
      hosts: [host('h1', 8, 8), host('h2', 2, 8)],
      queue: [request(2, [essential('b0', 4), essential('b1', 2)])],
      placements: running,
    }));
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '2/b0': 'h1', '2/b1': 'h2' });
    assert.deepEqual(decision.shrink.map((p) => p.instance), ['a3', 'a2']);
  });
});
