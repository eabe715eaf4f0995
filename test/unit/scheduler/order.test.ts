import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../../scheduler/decide.js';
import { dynamicSize, orderQueue } from '../../../scheduler/order.js';
import { GiB, essential, host, input, request } from './helpers.js';

const hosts = [host('h1', 4, 4)];

void describe('queue policies', () => {
  void it('FIFO admits in arrival order, whatever the sizes', () => {
    const decision = decide(input({
      hosts,
      queue: [request(1, [essential('a0', 3)], { size: 9 }), request(2, [essential('b0', 3)], { size: 1 })],
    }));
    assert.deepEqual(decision.admit.map((a) => a.executionId), [1]);
    assert.deepEqual(decision.order, [1, 2]);
  });

  void it('SIZE admits the smallest `size` first, ties in arrival order', () => {
    const queue = [
      request(1, [essential('a0', 3)], { size: 9 }),
      request(2, [essential('b0', 3)], { size: 1 }),
      request(3, [essential('c0', 3)], { size: 1 }),
    ];
    const decision = decide(input({ hosts, queue, policy: { queue: 'SIZE', placement: 'spread', backfillLimit: 0 } }));
    assert.deepEqual(decision.order, [2, 3, 1]);
    assert.deepEqual(decision.admit.map((a) => a.executionId), [2]);
    assert.deepEqual(decision.waiting.map((w) => [w.executionId, w.position]), [[3, 1], [1, 2]]);
  });

  void it('DYNSIZE sizes a request as Σcores × Σmemory (GiB) over all its instances', () => {
    const r = request(1, [essential('a0', 2, 1), essential('a1', 4, 3)]);
    assert.equal(dynamicSize(r), 4 * 6);
  });

  void it('DYNSIZE puts smaller requests first and reports the aged size', () => {
    const big = request(1, [essential('a0', 4, 4)], { submittedAt: 0 });   // 16 core·GiB
    const small = request(2, [essential('b0', 1, 1)], { submittedAt: 0 }); // 1 core·GiB
    const decision = decide(input({ hosts, queue: [big, small], now: 10_000, policy: { queue: 'DYNSIZE', placement: 'spread' } }));
    assert.deepEqual(decision.order, [2, 1]);
    assert.deepEqual(decision.admit.map((a) => a.executionId), [2]);
    assert.equal(decision.waiting[0]?.effectiveSize, 16 - 0.25 * 10);
  });

  void it('DYNSIZE ages from submission: an old large request overtakes newer small ones', () => {
    const policy = { queue: 'DYNSIZE', placement: 'spread', dynsizeAgeing: 1 } as const;
    const big = request(1, [essential('a0', 4, 4)], { submittedAt: 0 });            // 16 → ordered as if at 16 s
    const early = request(2, [essential('b0', 1, 1)], { submittedAt: 10_000 });     // 1 → as if at 11 s
    const late = request(3, [essential('c0', 1, 1)], { submittedAt: 20_000 });      // 1 → as if at 21 s
    for (const now of [20_000, 60_000, 3_600_000]) {
      assert.deepEqual(orderQueue([big, early, late], policy, now).map((e) => e.request.executionId), [2, 1, 3], `now=${now}`);
    }
  });

  void it('DYNSIZE does not accumulate ageing across passes (same input, same order)', () => {
    const policy = { queue: 'DYNSIZE', placement: 'spread' } as const;
    const queue = [request(1, [essential('a0', 4, 4)], { submittedAt: 0 }), request(2, [essential('b0', 1, 1)], { submittedAt: 50_000 })];
    const first = orderQueue(queue, policy, 60_000);
    const again = orderQueue(queue, policy, 60_000);
    assert.deepEqual(first, again);
    assert.deepEqual(first.map((e) => [e.request.executionId, e.effectiveSize]), [[2, 1 - 0.25 * 10], [1, 16 - 0.25 * 60]]);
  });

  void it('DYNSIZE without ageing orders by size only', () => {
    const queue = [request(1, [essential('a0', 4, 4)], { submittedAt: 0 }), request(2, [essential('b0', 1, 1)], { submittedAt: 9e9 })];
    const order = orderQueue(queue, { queue: 'DYNSIZE', placement: 'spread', dynsizeAgeing: 0 }, 9e9);
    assert.deepEqual(order.map((e) => e.request.executionId), [2, 1]);
  });

  void it('never reorders the caller\'s array', () => {
    const queue = [request(1, [essential('a0', 1)], { size: 5 }), request(2, [essential('b0', 1)], { size: 1 })];
    orderQueue(queue, { queue: 'SIZE', placement: 'spread' }, 0);
    assert.deepEqual(queue.map((r) => r.executionId), [1, 2]);
    assert.equal(queue[0]?.instances[0]?.memory, GiB);
  });
});
