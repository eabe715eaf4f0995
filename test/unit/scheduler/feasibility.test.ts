import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFeasible } from '../../../scheduler/feasibility.js';
import { deepFreeze, elastic, essential, host, request } from './helpers.js';

void describe('checkFeasible (submit time, empty pool)', () => {
  void it('accepts a request that fits the empty pool, ignoring elastic instances', () => {
    const hosts = deepFreeze([host('h1', 16, 8)]);
    assert.deepEqual(checkFeasible(deepFreeze(request(1, [essential('m0', 8), elastic('w0', 64)])), hosts), { feasible: true });
  });

  void it('considers the essential instances together', () => {
    const verdict = checkFeasible(request(1, [essential('a0', 10), essential('a1', 10)]), [host('h1', 16, 8)]);
    assert.deepEqual(verdict, {
      feasible: false, instance: 'a1',
      reason: 'needs 10 GiB memory for a1 after placing 1 other essential instance of this execution; largest free on any host: 6 GiB (h1)',
    });
  });

  void it('names a memory request bigger than any host', () => {
    const verdict = checkFeasible(request(1, [essential('spark-worker0', 12)]), [host('host1', 4, 8), host('host2', 2, 8)]);
    assert.deepEqual(verdict, {
      feasible: false, instance: 'spark-worker0',
      reason: 'needs 12 GiB memory for spark-worker0; largest free on any host: 4 GiB (host1)',
    });
  });

  void it('names missing labels', () => {
    const verdict = checkFeasible(request(1, [essential('t0', 1, 1, ['gpu', 'ssd'])]), [host('h1', 16, 8, ['gpu'])]);
    assert.deepEqual(verdict, { feasible: false, instance: 't0', reason: 'no host carries labels gpu, ssd (needed by t0)' });
  });

  void it('refuses when the only carriers are disabled', () => {
    const verdict = checkFeasible(request(1, [essential('t0', 1, 1, ['gpu'])]), [host('g1', 16, 8, ['gpu', 'disabled']), host('h1', 16, 8)]);
    assert.deepEqual(verdict, { feasible: false, instance: 't0', reason: 'every host carrying label gpu is unavailable for t0: g1 disabled' });
  });

  void it('counts offline hosts by default, and not when asked', () => {
    const hosts = [host('h1', 16, 8, [], false)];
    const big = request(1, [essential('a0', 8)]);
    assert.deepEqual(checkFeasible(big, hosts), { feasible: true });
    assert.deepEqual(checkFeasible(big, hosts, { includeOffline: false }), {
      feasible: false, instance: 'a0', reason: 'every host is unavailable for a0: h1 offline',
    });
  });

  void it('names a cores shortage', () => {
    const verdict = checkFeasible(request(1, [essential('a0', 1, 16)]), [host('h1', 16, 8)]);
    assert.deepEqual(verdict, { feasible: false, instance: 'a0', reason: 'needs 16 cores for a0; most free on any host: 8 cores (h1)' });
  });

  void it('refuses a request with no essential instance, and an empty pool', () => {
    assert.equal(checkFeasible(request(1, [elastic('w0', 1)]), [host('h1', 16, 8)]).feasible, false);
    assert.deepEqual(checkFeasible(request(1, [essential('a0', 1)]), []), {
      feasible: false, instance: 'a0', reason: 'no host is configured (needed by a0)',
    });
  });
});
