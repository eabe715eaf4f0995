// The Docker Engine frozen (SIGSTOP) for 8 s while an execution runs: an engine that does not
// answer is waited for, never mistaken for dead services. The execution stays running with its
// services active and no exit recorded, an execution submitted during the freeze starts once the
// engine answers, and a kill afterwards removes everything.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { caller, type Caller } from '../../helpers/api.js';
import { startProcessStack, type ProcessStack } from '../../helpers/processes.js';
import {
  assertNothingLeft, assertOneRunningContainerEach, FINAL, kill, record, seconds, service, sleep, submit, waitForRecord, zapp,
  SUITE_TIMEOUT_MS,
} from './helpers.js';

const FREEZE_MS = 8_000;
const KILLED = { status: 'terminated', error_message: 'user alice request from API' };

/** The pid of the dockerd serving the engine the tests use (DOCKER_HOST or the default socket); undefined when it is not local. */
function localEnginePid(): number | undefined {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) return undefined;
  const socket = host.slice('unix://'.length);
  let pids: number[];
  try {
    pids = execFileSync('pidof', ['dockerd'], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  } catch {
    return undefined;
  }
  // Other dockerd processes may run beside it (test engines): pick the one on our socket.
  const onSocket = pids.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(socket)));
  if (onSocket.length === 1) return onSocket[0];
  if (socket === '/var/run/docker.sock') {
    const recorded = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    if (pids.includes(recorded)) return recorded;
  }
  return undefined;
}

/** Runs `during` with the engine stopped; it is resumed whatever happens, even if this process dies. */
async function withEngineFrozen(pid: number, during: () => Promise<void>): Promise<void> {
  // A watchdog outside this process resumes the engine if the test process is killed meanwhile.
  spawn('sh', ['-c', `sleep ${Math.ceil(FREEZE_MS / 1000) + 10}; kill -CONT ${pid}`], { detached: true, stdio: 'ignore' }).unref();
  process.kill(pid, 'SIGSTOP');
  try {
    await during();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

void describe('the Docker Engine frozen while an execution runs', { timeout: SUITE_TIMEOUT_MS }, () => {
  let stack: ProcessStack;
  let alice: Caller;
  const enginePid = localEnginePid();

  before(async () => {
    stack = await startProcessStack();
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  });
  after(() => stack?.stop());

  void it('declares nothing dead that is not, starts what was submitted meanwhile, and kills afterwards', { skip: enginePid === undefined && 'the Docker Engine is not a local dockerd this test can freeze' }, async () => {
    const id = await submit(alice, zapp('steady', [service('alpha', 0, 'sleep 3600'), service('beta', 0, 'sleep 3600')]));
    assert.equal((await waitForRecord(stack, id, (s) => s === 'running' || FINAL(s), 30_000)).status, 'running');
    const containers = await assertOneRunningContainerEach(stack, id, ['alpha0', 'beta0']);
    const eventsBefore = (await stack.pool.query('SELECT seq FROM execution_event WHERE execution_id = $1', [id])).rowCount;

    let during = 0;
    const frozenAt = Date.now();
    await withEngineFrozen(enginePid!, async () => {
      // The API keeps answering from PostgreSQL, and takes a new submission.
      during = await submit(alice, zapp('during', [service('during', 0, 'sleep 3600')]));
      assert.equal((await record(stack, id)).status, 'running');
      await sleep(FREEZE_MS - (Date.now() - frozenAt));
    });
    console.log(`# docker: engine frozen for ${seconds(frozenAt)}`);

    // Anything that would mistake the pause for deaths acts within seconds of the engine answering again.
    const resumed = Date.now();
    const started = await waitForRecord(stack, during, (s) => s === 'running' || FINAL(s), 60_000);
    assert.equal(started.status, 'running', `the execution submitted during the freeze ended instead: ${started.error_message}`);
    console.log(`# docker: the execution submitted during the freeze ran ${seconds(resumed)} after the engine resumed`);
    await assertOneRunningContainerEach(stack, during, ['during0']);
    await sleep(Math.max(0, 5_000 - (Date.now() - resumed)));

    assert.deepEqual(await record(stack, id), { status: 'running', error_message: null });
    const services = await stack.pool.query('SELECT name, status, backend_status, exit_code FROM service WHERE execution_id = $1 ORDER BY name', [id]);
    assert.deepEqual(services.rows, [
      { name: 'alpha0', status: 'active', backend_status: 'started', exit_code: null },
      { name: 'beta0', status: 'active', backend_status: 'started', exit_code: null },
    ]);
    assert.equal((await stack.pool.query('SELECT seq FROM execution_event WHERE execution_id = $1', [id])).rowCount, eventsBefore, 'no event recorded');
    assert.deepEqual(await assertOneRunningContainerEach(stack, id, ['alpha0', 'beta0']), containers, 'the same containers, still running');

    for (const execution of [id, during]) await kill(alice, execution);
    for (const execution of [id, during]) assert.deepEqual(await waitForRecord(stack, execution, FINAL, 60_000), KILLED);
    await assertNothingLeft(stack);
  });
});
