// The scheduler workflow's bookkeeping: shrink, drain, hold and release, the per-pass limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Decision, Placement } from '../../../scheduler/types.js';
import {
  type Ledger, applyDecision, emptyLedger, forget, heldReady, loseHost, releaseHeld, releaseInstances, requestsToDecide,
} from '../../../workflows/scheduler/ledger.js';
import { elastic, essential, placed, request } from './helpers.js';

const decision = (partial: Partial<Decision>): Decision =>
  ({ admit: [], grow: [], shrink: [], waiting: [], order: [], headBypass: null, ...partial });

const master = (n: number) => essential(`master${n}`, 2);
const worker = (n: number) => elastic(`worker${n}`, 4);

/** Execution 1 admitted and running worker0 and worker1 on h1; execution 2 queued. */
function busyLedger(): Ledger {
  const ledger = emptyLedger();
  const first = request(1, [master(0), worker(0), worker(1)]);
  ledger.admitted.push({ executionId: 1, workflowId: 'w1', request: first });
  ledger.placements.push(placed(1, master(0), 'h1'), placed(1, worker(0), 'h1'), placed(1, worker(1), 'h1'));
  ledger.queue.push({ workflowId: 'w2', request: request(2, [master(0)]) });
  return ledger;
}

void describe('scheduler ledger', () => {
  void it('holds an admission on a host with a shrunk instance until that instance is gone', () => {
    const ledger = busyLedger();
    const admission = placed(2, master(0), 'h1');
    const applied = applyDecision(ledger, decision({
      shrink: [placed(1, worker(1), 'h1')],
      admit: [{ executionId: 2, placements: [admission] }],
    }), 500);
    assert.deepEqual(applied.mail, [{ executionId: 1, workflowId: 'w1', messages: [{ kind: 'shrink', placements: [placed(1, worker(1), 'h1')] }] }]);
    assert.deepEqual(ledger.draining, [{ executionId: 1, instance: 'worker1', host: 'h1' }]);
    assert.equal(ledger.held.length, 1, 'the admission waits');
    assert.equal(heldReady(ledger), false);
    assert.ok(ledger.placements.some((p) => p.executionId === 2), 'the capacity is already promised to execution 2');
    assert.ok(ledger.queue.some((q) => q.request.executionId === 1), 'the shrunk execution waits for its worker again');
    assert.deepEqual(requestsToDecide(ledger).find((r) => r.executionId === 1)?.instances.map((i) => i.instance), ['master0', 'worker0'],
      'a draining instance is not placed again before it is gone');

    releaseInstances(ledger, 1, ['worker1']);
    assert.equal(heldReady(ledger), true);
    assert.deepEqual(releaseHeld(ledger), [{ executionId: 2, workflowId: 'w2', messages: [{ kind: 'admitted', placements: [admission] }] }]);
    assert.deepEqual(ledger.held, []);
    assert.deepEqual(ledger.draining, []);
  });

  void it('sends an admission on another host at once', () => {
    const ledger = busyLedger();
    const applied = applyDecision(ledger, decision({
      shrink: [placed(1, worker(1), 'h1')],
      admit: [{ executionId: 2, placements: [placed(2, master(0), 'h2')] }],
    }), 500);
    assert.deepEqual(applied.mail.map((m) => [m.executionId, m.messages.map((x) => x.kind)]), [[1, ['shrink']], [2, ['admitted']]]);
    assert.deepEqual(ledger.held, []);
  });

  void it('keeps later grants behind held mail of the same execution, in order', () => {
    const ledger = busyLedger();
    ledger.queue.push({ workflowId: 'w3', request: request(3, [master(0), worker(0)]) });
    applyDecision(ledger, decision({
      shrink: [placed(1, worker(1), 'h1')],
      admit: [{ executionId: 3, placements: [placed(3, master(0), 'h1')] }],
    }), 500);
    const next = applyDecision(ledger, decision({ grow: [placed(3, worker(0), 'h2')] }), 500);
    assert.deepEqual(next.mail, [], 'the grow on h2 would otherwise overtake the held admission');
    assert.deepEqual(ledger.held[0]!.messages.map((m) => m.kind), ['admitted', 'grow']);
  });

  void it('withdraws a held elastic grant that is shrunk before it was ever sent', () => {
    const ledger = busyLedger();
    ledger.queue.push({ workflowId: 'w3', request: request(3, [master(0), worker(0)]) });
    applyDecision(ledger, decision({
      shrink: [placed(1, worker(1), 'h1')],
      admit: [{ executionId: 3, placements: [placed(3, master(0), 'h1')] }],
      grow: [placed(3, worker(0), 'h1')],
    }), 500);
    const next = applyDecision(ledger, decision({ shrink: [placed(3, worker(0), 'h1')] }), 500);
    assert.deepEqual(next.mail, [], 'nothing to tell: execution 3 never heard of worker0');
    assert.deepEqual(ledger.held[0]!.messages.map((m) => [m.kind, m.placements.map((p) => p.instance)]), [['admitted', ['master0']]]);
    assert.ok(!ledger.draining.some((d) => d.executionId === 3));
    assert.ok(ledger.queue.some((q) => q.request.executionId === 3), 'worker0 is placed again later');
  });

  void it('requeues an admitted execution whose elastic grant is shrunk, so the grant is not lost', () => {
    const ledger = busyLedger();
    ledger.queue = [];
    applyDecision(ledger, decision({ shrink: [placed(1, worker(0), 'h1')] }), 500);
    assert.deepEqual(ledger.queue.map((q) => q.request.executionId), [1]);
  });

  void it('applies at most the limit of admissions and grown executions, and says so', () => {
    const ledger = emptyLedger();
    for (let id = 1; id <= 5; id++) ledger.queue.push({ workflowId: `w${id}`, request: request(id, [master(0), worker(0)]) });
    const all = [1, 2, 3, 4, 5];
    const applied = applyDecision(ledger, decision({
      admit: all.map((id) => ({ executionId: id, placements: [placed(id, master(0), 'h1')] })),
      grow: all.map((id) => placed(id, worker(0), 'h2')),
    }), 3);
    assert.equal(applied.truncated, true);
    assert.deepEqual(ledger.admitted.map((a) => a.executionId), [1, 2, 3]);
    assert.equal(applied.mail.length, 3);
    assert.ok(applied.mail.every((m) => m.messages.length === 1), 'no room left for grows in this pass');
    assert.deepEqual(ledger.queue.map((q) => q.request.executionId), [1, 2, 3, 4, 5]);
    const rest = applyDecision(ledger, decision({
      admit: [4, 5].map((id) => ({ executionId: id, placements: [placed(id, master(0), 'h1')] })),
    }), 3);
    assert.equal(rest.truncated, false);
    assert.deepEqual(ledger.admitted.map((a) => a.executionId), [1, 2, 3, 4, 5]);
  });

  void it('forgets everything of an ended execution, its draining instances included', () => {
    const ledger = busyLedger();
    applyDecision(ledger, decision({
      shrink: [placed(1, worker(1), 'h1')],
      admit: [{ executionId: 2, placements: [placed(2, master(0), 'h1')] }],
    }), 500);
    forget(ledger, 1);
    assert.deepEqual(ledger.draining, []);
    assert.equal(releaseHeld(ledger).length, 1, 'the admission goes out once the shrunk execution has ended');
    assert.ok(!ledger.placements.some((p) => p.executionId === 1));
  });

  void it('a lost host frees its placements and draining instances and requeues their executions', () => {
    const ledger = busyLedger();
    ledger.queue = [];
    ledger.placements.push(placed(1, elastic('worker2', 4), 'h2'));
    const lost = loseHost(ledger, 'h1');
    assert.deepEqual(lost, [{ executionId: 1, workflowId: 'w1', instances: ['master0', 'worker0', 'worker1'] }]);
    assert.deepEqual(ledger.placements.map((p: Placement) => p.host), ['h2']);
    assert.deepEqual(ledger.queue.map((q) => q.request.executionId), [1]);
  });
});
