// The worker process SIGKILLed once while executions are in every phase of their life: one
// waits in the queue, one waits for its first startup group's port, two run (one of whose service
// ends during the outage), one tears down. Started again, each carries on from where it was and
// ends in the right state, with no container orphaned and none duplicated.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { executionLogDir } from '../../../executions/log-files.js';
import { schedulerWorkflowId } from '../../../model/naming.js';
import { snapshotQuery } from '../../../workflows/messages.js';
import { caller, type Caller } from '../../helpers/api.js';
import { startProcessStack, type ProcessStack } from '../../helpers/processes.js';
import {
  assertNothingLeft, assertOneRunningContainerEach, FINAL, kill, MiB, record, seconds, service, statusHistory,
  submit, waitFor, waitForRecord, zapp,
  SUITE_TIMEOUT_MS,
} from './helpers.js';

const KILLED = 'user alice request from API';
const FULL_HISTORY = ['queued', 'starting', 'running', 'cleaning up', 'terminated'];
/** A command that waits for the file `/mnt/workspace/<name>-<execution id>` the test drops, then runs `then`. */
const untilFile = (name: string, then: string) =>
  `sh -c 'while [ ! -e /mnt/workspace/${name}-$EXECUTION_ID ]; do sleep 0.2; done; ${then}'`;
const withMemory = (bytes: number) => ({ resources: { memory: { min: bytes, max: bytes }, cores: { min: 0.1, max: 0.1 } } });

void describe('the worker killed -9 while executions are queued, starting, running and tearing down', { timeout: SUITE_TIMEOUT_MS }, () => {
  let stack: ProcessStack;
  let alice: Caller;
  let killedAt = 0;
  const id = { filler: 0, waiting: 0, starting: 0, steady: 0, job: 0, teardown: 0 };
  let storeContainer = '';
  let steadyContainers: string[] = [];
  let teardownLogs = '';

  const dropFile = (name: string, executionId: number) =>
    writeFileSync(join(stack.dataDir, 'workspaces', stack.deployment, 'alice', `${name}-${executionId}`), '');
  const runs = async (executionId: number) =>
    assert.equal((await waitForRecord(stack, executionId, (s) => s === 'running' || FINAL(s), 30_000)).status, 'running');

  before(async () => {
    // Six executions at once, one reserving almost the whole host: no quota or per-service cap may refuse them.
    stack = await startProcessStack({ env: { ZOE_MAX_MEMORY_LIMIT: '100000' } });
    await stack.pool.query('UPDATE quota SET memory = 0, concurrent_executions = 0');
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');

    // Running: the filler leaves 200 MiB, enough for everything below but the waiting execution.
    const { MemTotal } = (await stack.docker.info()) as { MemTotal: number };
    const free = 200 * MiB;
    id.filler = await submit(alice, zapp('filler', [service('filler', 0, 'sleep 3600', withMemory(Math.floor(MemTotal / MiB) * MiB - free))]));
    await runs(id.filler);
    id.steady = await submit(alice, zapp('steady', [service('alpha', 0, 'sleep 3600'), service('beta', 0, 'sleep 3600')]));
    id.job = await submit(alice, zapp('job', [service('job', 0, untilFile('stop', 'exit 7'))]));
    // Starting: store0's port opens only once the test drops a file; front0 waits for it.
    const port = { name: 'store port', port_number: 9000, protocol: 'tcp', url_template: 'tcp://{ip_port}' };
    id.starting = await submit(alice, zapp('ordered', [
      service('store', 0, untilFile('open', 'exec httpd -f -p 9000 -h /var/www'), { ports: [port] }),
      service('front', 1, 'sleep 3600'),
    ]));
    // Tearing down: each service prints 40,000 lines, so saving the logs at teardown takes a moment.
    const noisy = "sh -c 'yes zoe-log-line | head -n 40000; exec sleep 3600'";
    id.teardown = await submit(alice, zapp('teardown', [service('one', 0, noisy), service('two', 0, noisy), service('three', 0, noisy)]));
    for (const running of [id.steady, id.job, id.teardown]) await runs(running);
    steadyContainers = await assertOneRunningContainerEach(stack, id.steady, ['alpha0', 'beta0']);
    await assertOneRunningContainerEach(stack, id.teardown, ['one0', 'two0', 'three0']);
    storeContainer = await waitFor('store0 running', async () =>
      (await stack.containers(id.starting)).find((c) => c.Labels.zoe_service_name === 'store0' && c.State === 'running')?.Id, 15_000);

    // Queued: more than the filler leaves free.
    id.waiting = await submit(alice, zapp('waiting', [service('waiter', 0, 'sleep 3600', withMemory(256 * MiB))]));
    const scheduler = stack.temporal.workflow.getHandle(schedulerWorkflowId(stack.deployment));
    await waitFor(`execution ${id.waiting} in the scheduler's waiting list`, async () =>
      (await scheduler.query(snapshotQuery)).waiting.some((w) => w.executionId === id.waiting) || undefined, 15_000);

    // The kill lands once the teardown has saved its first log: the removal activity is under way.
    await kill(alice, id.teardown);
    teardownLogs = executionLogDir(join(stack.dataDir, 'service-logs'), stack.deployment, id.teardown);
    await waitFor('the teardown to save its first log', () =>
      (existsSync(teardownLogs) && readdirSync(teardownLogs).length > 0) || undefined, 15_000, 5);
    await stack.worker.kill9();
    killedAt = Date.now();

    const atKill = {
      teardown: (await record(stack, id.teardown)).status,
      teardownContainers: (await stack.containers(id.teardown)).length,
      starting: (await record(stack, id.starting)).status,
      startingContainers: (await stack.containers(id.starting)).map((c) => c.Labels.zoe_service_name),
      waiting: (await record(stack, id.waiting)).status,
    };
    console.log(`# worker killed: ${JSON.stringify(atKill)}`);
    const { teardownContainers, ...phases } = atKill;
    assert.deepEqual(phases, { teardown: 'cleaning up', starting: 'starting', startingContainers: ['store0'], waiting: 'queued' });
    assert.ok(teardownContainers > 0, 'the worker died before the teardown had removed every container');

    // While the worker is down: the job's service ends, the port opens, the filler is killed.
    dropFile('stop', id.job);
    dropFile('open', id.starting);
    await kill(alice, id.filler);
    await waitFor('job0 to exit while the worker is down', async () =>
      (await stack.containers(id.job)).some((c) => c.State === 'exited') || undefined, 10_000);
    for (const still of [id.job, id.filler]) assert.equal((await record(stack, still)).status, 'running', 'nothing acts while the worker is down');
    assert.deepEqual(await stack.containers(id.waiting), []);

    await stack.worker.start();
    console.log(`# worker back ${seconds(killedAt)} after the kill`);
  });
  after(() => stack?.stop());

  void it('queued: a release received while the worker was down admits the waiting execution', async () => {
    assert.deepEqual(await waitForRecord(stack, id.filler, FINAL, 60_000), { status: 'terminated', error_message: KILLED });
    await assertNothingLeft(stack, id.filler);
    await runs(id.waiting);
    console.log(`# queued: running ${seconds(killedAt)} after the kill`);
    await assertOneRunningContainerEach(stack, id.waiting, ['waiter0']);
    assert.deepEqual(await statusHistory(stack, id.waiting), ['queued', 'starting', 'running']);
    await kill(alice, id.waiting);
    assert.deepEqual(await waitForRecord(stack, id.waiting, FINAL, 30_000), { status: 'terminated', error_message: KILLED });
    await assertNothingLeft(stack, id.waiting);
  });

  void it('starting: the readiness wait resumes and the second group starts once', async () => {
    const running = await waitForRecord(stack, id.starting, (s) => s === 'running' || FINAL(s), 90_000);
    assert.equal(running.status, 'running', `ended instead: ${running.error_message}`);
    console.log(`# starting: running ${seconds(killedAt)} after the kill`);
    const containers = await assertOneRunningContainerEach(stack, id.starting, ['store0', 'front0']);
    assert.ok(containers.includes(storeContainer), 'store0 is the container started before the kill');
    const services = await stack.pool.query('SELECT name, status FROM service WHERE execution_id = $1 ORDER BY name', [id.starting]);
    assert.deepEqual(services.rows, [{ name: 'front0', status: 'active' }, { name: 'store0', status: 'active' }]);
    await kill(alice, id.starting);
    assert.deepEqual(await waitForRecord(stack, id.starting, FINAL, 30_000), { status: 'terminated', error_message: KILLED });
    assert.deepEqual(await statusHistory(stack, id.starting), FULL_HISTORY);
    await assertNothingLeft(stack, id.starting);
  });

  void it('running: a service that exited during the outage ends its execution with its exit code', async () => {
    const ended = await waitForRecord(stack, id.job, FINAL, 90_000);
    console.log(`# running: the exit seen ${seconds(killedAt)} after the kill`);
    assert.deepEqual(ended, { status: 'terminated', error_message: 'essential service job0 exited with code 7' });
    const rows = await stack.pool.query('SELECT status, exit_code FROM service WHERE execution_id = $1', [id.job]);
    assert.deepEqual(rows.rows, [{ status: 'inactive', exit_code: 7 }]);
    await assertNothingLeft(stack, id.job);
  });

  void it('running: an execution keeps its containers (none restarted, none added) and a kill works', async () => {
    assert.equal((await record(stack, id.steady)).status, 'running');
    assert.deepEqual(await assertOneRunningContainerEach(stack, id.steady, ['alpha0', 'beta0']), steadyContainers);
    const start = Date.now();
    await kill(alice, id.steady);
    assert.deepEqual(await waitForRecord(stack, id.steady, FINAL, 60_000), { status: 'terminated', error_message: KILLED });
    console.log(`# running: killed in ${seconds(start)}`);
    assert.deepEqual(await statusHistory(stack, id.steady), FULL_HISTORY);
    await assertNothingLeft(stack, id.steady);
  });

  void it('tearing down: the interrupted teardown finishes with the kill\'s reason, logs kept, nothing left', async () => {
    const ended = await waitForRecord(stack, id.teardown, FINAL, 90_000);
    console.log(`# tearing down: terminated ${seconds(killedAt)} after the kill`);
    assert.deepEqual(ended, { status: 'terminated', error_message: KILLED });
    assert.deepEqual(await statusHistory(stack, id.teardown), FULL_HISTORY);
    const services = await stack.pool.query('SELECT DISTINCT status, backend_status FROM service WHERE execution_id = $1', [id.teardown]);
    assert.deepEqual(services.rows, [{ status: 'inactive', backend_status: 'destroyed' }]);
    assert.deepEqual(readdirSync(teardownLogs).sort(), ['one0.txt', 'three0.txt', 'two0.txt'], 'every log was kept');
    await assertNothingLeft(stack, id.teardown);
  });

  void it('leaves nothing of the deployment behind', async () => {
    await assertNothingLeft(stack);
  });
});
