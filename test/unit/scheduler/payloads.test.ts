// The scheduler's message validators: a bad payload is named by its path, a good one passes unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check, releaseInstancesPayload, releasePayload, submitPayload } from '../../../workflows/scheduler/payloads.js';
import { elastic, essential, request } from './helpers.js';

const good = { workflowId: 'zoe-prod-execution-1', request: request(1, [essential('master0', 1), elastic('worker0', 2)]) };

void describe('scheduler payloads', () => {
  void it('accepts a well-formed submit as it is', () => {
    assert.deepEqual(check(submitPayload, good), { ok: true, value: good });
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['no payload', undefined, /payload: /],
    ['an unknown field', { ...good, extra: 1 }, /Unrecognized key.*extra/],
    ['a negative memory', { ...good, request: { ...good.request, instances: [{ ...good.request.instances[0], memory: -1 }] } }, /request\.instances\.0\.memory/],
    ['a fractional execution id', { ...good, request: { ...good.request, executionId: 1.5 } }, /request\.executionId/],
    ['no essential instance', { ...good, request: { ...good.request, instances: [elastic('worker0', 1)] } }, /at least one instance must be essential/],
    ['a duplicated instance', { ...good, request: { ...good.request, instances: [essential('a', 1), essential('a', 1)] } }, /instance names must be unique/],
    ['infinite cores', { ...good, request: { ...good.request, instances: [{ ...essential('a', 1), cores: Infinity }] } }, /request\.instances\.0\.cores/],
  ];
  for (const [what, payload, reason] of refused) {
    void it(`refuses a submit with ${what}`, () => {
      const verdict = check(submitPayload, payload);
      assert.equal(verdict.ok, false);
      if (!verdict.ok) assert.match(verdict.reason, reason);
    });
  }

  void it('refuses releases without a valid execution id or instance list', () => {
    assert.equal(check(releasePayload, { executionId: 0 }).ok, false);
    assert.equal(check(releasePayload, { executionId: 3 }).ok, true);
    assert.equal(check(releaseInstancesPayload, { executionId: 3, instances: [] }).ok, false);
    assert.equal(check(releaseInstancesPayload, { executionId: 3, instances: ['worker0'] }).ok, true);
  });
});
