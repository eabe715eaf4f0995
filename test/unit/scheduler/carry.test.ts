// The packed continue-as-new state: lossless, and small.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionRequest } from '../../../scheduler/types.js';
import { executionWorkflowId } from '../../../model/naming.js';
import { type PackedCarry, type SchedulerState, packCarry, unpackCarry } from '../../../workflows/scheduler/carry.js';
import { emptyLedger } from '../../../workflows/scheduler/ledger.js';
import { GiB, elastic, essential, host, placed, request } from './helpers.js';

function sparkRequest(id: number): ExecutionRequest {
  return request(id, [
    essential('spark-master0', 2, 1), essential('notebook0', 4, 1, ['gpu']),
    ...Array.from({ length: 8 }, (_, n) => elastic(`spark-worker${n}`, 8, 2)),
    elastic('odd', 1), elastic('worker01', 1), elastic('worker02', 1), elastic('w00', 1),
  ], { submittedAt: 1_700_000_000_000 + id, size: 42.5 });
}

function state(executions: number): SchedulerState {
  const hosts = Array.from({ length: 25 }, (_, n) => host(`host-${n}`, 128, 32));
  const ledger = emptyLedger();
  for (let id = 1; id <= executions; id++) {
    const entry = { workflowId: executionWorkflowId('prod', id), request: sparkRequest(id) };
    if (id % 2 === 0) {
      ledger.admitted.push({ executionId: id, ...entry });
      const [master, notebook, worker] = entry.request.instances;
      ledger.placements.push(placed(id, master!, `host-${id % 25}`), placed(id, notebook!, `host-${(id + 1) % 25}`),
        placed(id, worker!, `host-${(id + 2) % 25}`));
    }
    if (id % 4 !== 0) ledger.queue.push(entry);
  }
  ledger.queue.push({ workflowId: 'custom-id', request: sparkRequest(executions + 1) });
  ledger.placements.push({ executionId: 2, instance: 'spark-worker1', host: 'gone-host', memory: 8 * GiB, cores: 2, essential: false });
  ledger.draining.push({ executionId: 2, instance: 'spark-worker2', host: 'host-3' });
  ledger.held.push({ executionId: 4, workflowId: executionWorkflowId('prod', 4), messages: [{ kind: 'grow', placements: [] }], waitsFor: ['2/spark-worker2'] });
  return { ...ledger, hosts, seed: 7, mailSeq: 1_700_000_000_000_123, headBypass: { executionId: 3, bypassed: 2 }, hostHealth: { 'host-1': { offlineSince: 5 } } };
}

void describe('scheduler carry', () => {
  void it('unpacks to exactly what was packed, through JSON', () => {
    const original = state(40);
    const packed = JSON.parse(JSON.stringify(packCarry(original, 'prod'))) as PackedCarry;
    assert.deepEqual(unpackCarry(packed, 'prod'), original);
  });

  void it('is several times smaller than the plain state', () => {
    const original = state(1_000);
    const plain = JSON.stringify({ ...original }).length;
    const packed = JSON.stringify(packCarry(original, 'prod')).length;
    assert.ok(packed * 4 < plain, `packed ${packed} bytes, plain ${plain} bytes`);
  });

  void it('refuses a carry that places an instance its execution does not have', () => {
    const packed = packCarry(state(4), 'prod');
    packed.placements.push([2, 'no-such-instance', 0]);
    assert.throws(() => unpackCarry(packed, 'prod'), /places no-such-instance, which execution 2 does not have/);
  });
});
