// The Temporal dev server SIGKILLed while an execution runs, then started again on the same SQLite
// file and port: the worker and the API ride out the outage, the execution carries on (same
// containers, still running), and once the server is back a kill and a new submission both work.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executionWorkflowId } from '../../../model/naming.js';
import { caller, type Caller } from '../../helpers/api.js';
import { startPrivateTemporal, startProcessStack, type PrivateTemporal, type ProcessStack } from '../../helpers/processes.js';
import {
  assertNothingLeft, assertOneRunningContainerEach, FINAL, record, seconds, service, sleep, submit, waitFor, waitForRecord, zapp,
  SUITE_TIMEOUT_MS,
} from './helpers.js';

const KILLED = { status: 'terminated', error_message: 'user alice request from API' };

void describe('the Temporal server killed -9 and restarted on its SQLite file', { timeout: SUITE_TIMEOUT_MS }, () => {
  let temporal: PrivateTemporal;
  let stack: ProcessStack;
  let alice: Caller;

  before(async () => {
    temporal = await startPrivateTemporal();
    stack = await startProcessStack({ temporalAddress: temporal.address });
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  });
  after(async () => {
    await stack?.stop();
    await temporal?.stop();
  });

  void it('a running execution carries on through the outage; afterwards a kill and a new submission work', async () => {
    const id = await submit(alice, zapp('steady', [service('alpha', 0, 'sleep 3600'), service('beta', 0, 'sleep 3600')]));
    assert.equal((await waitForRecord(stack, id, (s) => s === 'running' || FINAL(s), 30_000)).status, 'running');
    const containers = await assertOneRunningContainerEach(stack, id, ['alpha0', 'beta0']);

    await temporal.kill9();
    const down = Date.now();
    // The API still serves what PostgreSQL holds, and refuses a submission rather than half-create it.
    const served = await alice('GET', `/execution/${id}`);
    assert.equal((served.body as { status: string }).status, 'running');
    const rowsBefore = (await stack.pool.query('SELECT id FROM execution')).rowCount;
    const refused = await alice('POST', '/execution', { name: 'during', application: zapp('during', [service('during', 0, 'sleep 3600')]) });
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    console.log(`# temporal: a submission refused ${seconds(down)} after the kill: ${JSON.stringify(refused.body)}`);
    assert.equal((await stack.pool.query('SELECT id FROM execution')).rowCount, rowsBefore, 'the refused submission left no row');
    await sleep(Math.max(0, 3_000 - (Date.now() - down)));
    assert.ok(stack.worker.pid() && stack.api.pid(), 'the worker and the API outlive the outage');

    const restarting = Date.now();
    await temporal.start();
    console.log(`# temporal: the server answered ${seconds(restarting)} after its start`);
    console.log(`# temporal: down for ${seconds(down)}`);
    const back = Date.now();
    // Running through the restart: nothing was torn down or started again.
    const workflow = stack.temporal.workflow.getHandle(executionWorkflowId(stack.deployment, id));
    assert.equal((await workflow.describe()).status.name, 'RUNNING', 'the workflow survived in the SQLite file');
    await sleep(3_000);
    assert.equal((await record(stack, id)).status, 'running');
    assert.deepEqual(await assertOneRunningContainerEach(stack, id, ['alpha0', 'beta0']), containers);
    const services = await stack.pool.query('SELECT DISTINCT status, exit_code FROM service WHERE execution_id = $1', [id]);
    assert.deepEqual(services.rows, [{ status: 'active', exit_code: null }]);

    // The API's client reconnects by itself: the kill goes through (the first tries may still be refused with 503).
    await waitFor('the kill to be accepted', async () => ((await alice('DELETE', `/execution/${id}`)).status === 204 || undefined), 30_000, 500);
    console.log(`# temporal: the kill accepted ${seconds(back)} after the server was back`);
    assert.deepEqual(await waitForRecord(stack, id, FINAL, 60_000), KILLED);
    console.log(`# temporal: killed ${seconds(back)} after the server was back`);
    await assertNothingLeft(stack, id);

    // And the worker polls again: a new execution runs.
    const next = await submit(alice, zapp('after', [service('after', 0, 'sleep 3600')]));
    assert.equal((await waitForRecord(stack, next, (s) => s === 'running' || FINAL(s), 60_000)).status, 'running');
    await assertOneRunningContainerEach(stack, next, ['after0']);
    assert.equal((await alice('DELETE', `/execution/${next}`)).status, 204);
    assert.deepEqual(await waitForRecord(stack, next, FINAL, 60_000), KILLED);
    await assertNothingLeft(stack);
    assert.ok(!/worker exited|api exited/.test(stack.worker.output() + stack.api.output()), 'neither process died');
  });
});
