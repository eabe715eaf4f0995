import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../../scheduler/decide.js';
import { GiB, elastic, essential, host, hostsOf, input, placed, request } from './helpers.js';

void describe('decide: essential instances are a gang', () => {
  void it('places every essential instance of an execution together', () => {
    const decision = decide(input({
      hosts: [host('h1', 12, 4), host('h2', 12, 4)],
      queue: [request(1, [essential('master0', 10), essential('worker0', 10)])],
    }));
    assert.equal(decision.admit.length, 1);
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '1/master0': 'h1', '1/worker0': 'h2' });
    assert.deepEqual(decision.waiting, []);
  });

  void it('places none of them when one does not fit, and says which one', () => {
    const decision = decide(input({
      hosts: [host('h1', 16, 8)],
      queue: [request(1, [essential('master0', 10), essential('worker0', 10)])],
    }));
    assert.deepEqual(decision.admit, []);
    assert.deepEqual(decision.grow, []);
    const [waiting] = decision.waiting;
    assert.equal(waiting?.position, 1);
    assert.equal(waiting?.reason,
      'needs 10 GiB memory for worker0 after placing 1 other essential instance of this execution; largest free on any host: 6 GiB (h1)');
    assert.deepEqual(waiting?.short, {
      kind: 'capacity', instance: 'worker0', memory: true, cores: false, needMemory: 10 * GiB, needCores: 1,
      bestMemory: { host: 'h1', free: 6 * GiB }, bestCores: { host: 'h1', free: 7 }, placedBefore: 1,
    });
  });

  void it('places nothing when one essential needs a label no host carries', () => {
    const decision = decide(input({
      hosts: [host('h1', 64, 16)],
      queue: [request(1, [essential('driver0', 1), essential('trainer0', 1, 1, ['gpu'])])],
    }));
    assert.deepEqual(decision.admit, []);
    assert.equal(decision.waiting[0]?.reason, 'no host carries label gpu (needed by trainer0)');
  });

  void it('places the largest instance first so a mixed gang packs', () => {
    const decision = decide(input({
      hosts: [host('big', 10, 4), host('small', 4, 4)],
      queue: [request(1, [essential('a0', 4), essential('b0', 10)])],
      policy: { queue: 'FIFO', placement: 'pack' },
    }));
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '1/a0': 'small', '1/b0': 'big' });
    assert.deepEqual(decision.admit[0]?.placements.map((p) => p.instance), ['a0', 'b0'], 'request order kept');
  });

  void it('falls back to best fit when the policy choice would strand an instance', () => {
    // spread puts the 5 GiB instance on the emptier 8 GiB host; then one 4 GiB instance fits nowhere.
    const decision = decide(input({
      hosts: [host('a', 8, 4), host('b', 5, 4)],
      queue: [request(1, [essential('x0', 4), essential('y0', 5), essential('z0', 4)])],
    }));
    assert.deepEqual(hostsOf(decision.admit[0]?.placements ?? []), { '1/x0': 'a', '1/y0': 'b', '1/z0': 'a' });
  });

  void it('does not admit an execution twice', () => {
    const big = essential('m0', 2);
    const decision = decide(input({
      hosts: [host('h1', 16, 8)],
      queue: [request(1, [big, elastic('w0', 2)])],
      placements: [placed(1, big, 'h1')],
    }));
    assert.deepEqual(decision.admit, []);
    assert.deepEqual(decision.grow.map((p) => p.instance), ['w0']);
    assert.deepEqual(decision.waiting, []);
  });

  void it('treats ids listed in `admitted` as admitted even with no placement', () => {
    const decision = decide(input({
      hosts: [host('h1', 16, 8)],
      queue: [request(1, [essential('m0', 2), elastic('w0', 2)])],
      admitted: [1],
    }));
    assert.deepEqual(decision.admit, []);
    assert.deepEqual(decision.grow.map((p) => p.instance), ['w0']);
  });

  void it('reports a request without essential instances as invalid without blocking others', () => {
    const decision = decide(input({
      hosts: [host('h1', 16, 8)],
      queue: [request(1, [elastic('w0', 1)]), request(2, [essential('m0', 1)])],
      policy: { queue: 'FIFO', placement: 'spread', backfillLimit: 0 },
    }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [2]);
    assert.equal(decision.waiting[0]?.short.kind, 'invalid');
    assert.equal(decision.headBypass, null);
  });
});
