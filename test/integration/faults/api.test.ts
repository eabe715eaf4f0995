// The API process SIGKILLed with requests in flight: submissions cut off at any point leave
// nothing half-created (an execution row always has its workflow, and a workflow whose row was
// never committed ends by itself without starting anything), executions submitted just before the
// kill run, the restarted API serves them, and kills cut off in flight can be sent again.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { executionWorkflowId } from '../../../model/naming.js';
import { caller, type Caller, type Reply } from '../../helpers/api.js';
import { startProcessStack, type ProcessStack } from '../../helpers/processes.js';
import {
  assertNothingLeft, assertOneRunningContainerEach, FINAL, kill, seconds, service, sleep, submit, waitFor, waitForRecord, zapp,
  SUITE_TIMEOUT_MS,
} from './helpers.js';

const IN_FLIGHT = 10;
/** Longer than the 15 s the workflow's first record used to wait for its row. */
const SLOW_COMMIT_MS = 16_000;
const application = zapp('burst', [service('burst', 0, 'sleep 3600')]);
const killedBy = (user: string) => ({ status: 'terminated', error_message: `user ${user} request from API` });

void describe('the API killed -9 with requests in flight', { timeout: SUITE_TIMEOUT_MS }, () => {
  let stack: ProcessStack;
  let alice: Caller;

  before(async () => {
    // One user per submission in flight: a user's own submissions are serialised (quota check).
    const users = ['alice', ...Array.from({ length: IN_FLIGHT }, (_, i) => `user${i}`)];
    stack = await startProcessStack({ users: users.map((u) => `${u},${u}-pass,user\n`).join('') });
    await stack.pool.query('UPDATE quota SET concurrent_executions = 0');
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  });
  after(() => stack?.stop());

  /** The workflow of an execution id, or undefined when Temporal never heard of it. */
  async function workflowOf(id: number) {
    return stack.temporal.workflow.getHandle(executionWorkflowId(stack.deployment, id)).describe().catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
  }

  /**
   * Makes every submission's commit wait (a deferred trigger on a lock the test holds) until
   * `release()`; `waiting()` gives the PostgreSQL pids of the sessions waiting to commit.
   */
  async function holdCommits() {
    const key = randomInt(1, 2 ** 31 - 1);
    const holder = await stack.pool.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [key]);
    await stack.pool.query(`CREATE OR REPLACE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(${key}); RETURN NULL; END $$`);
    await stack.pool.query(`CREATE CONSTRAINT TRIGGER hold_commit AFTER INSERT ON execution
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hold_commit()`);
    return {
      waiting: async () => (await stack.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = $1 AND objsubid = 1`, [key])).rows.map((r) => r.pid),
      release: async () => {
        await holder.query('SELECT pg_advisory_unlock($1)', [key]);
        holder.release();
        await stack.pool.query('DROP TRIGGER hold_commit ON execution');
      },
    };
  }

  void it('submissions in flight: every row has its workflow, no workflow without a row starts anything, the restarted API serves them', async () => {
    // Two executions answered 201 just before the kill: between submit and running.
    const submitted = [await submit(alice, application), await submit(alice, application)];

    // Every submission's commit waits on a lock the test holds, so the kill lands while some have
    // started their workflow and not committed their row, and others are earlier on.
    const commits = await holdCommits();
    const requests: Array<Promise<PromiseSettledResult<Reply>>> = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      const request = caller(stack.apiUrl, `user${i}`, `user${i}-pass`)('POST', '/execution', { name: `burst-${i}`, application });
      requests.push(Promise.allSettled([request]).then(([result]) => result));
      await sleep(30);
    }
    await waitFor('four submissions waiting to commit', async () => ((await commits.waiting()).length >= 4 || undefined), 20_000, 20);
    await stack.api.kill9();
    const statusesAtKill = (await stack.pool.query<{ status: string }>('SELECT status FROM execution WHERE id = ANY($1)', [submitted])).rows;
    // A connection whose client died before its COMMIT is rolled back: the ones held on the lock
    // are ended as PostgreSQL ends a session whose client is gone.
    const held = await commits.waiting();
    await stack.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [held]);
    await commits.release();
    const settled = await Promise.all(requests);
    assert.deepEqual(settled.map((s) => s.status), Array<string>(IN_FLIGHT).fill('rejected'), 'no submission in flight was answered');
    console.log(`# submissions: ${held.length} cut off at their commit; the two answered just before were ${statusesAtKill.map((r) => r.status).join(', ')}`);

    const last = Number((await stack.pool.query<{ last_value: string }>('SELECT last_value FROM execution_id_seq')).rows[0]!.last_value);
    const rows = new Set((await stack.pool.query<{ id: number }>('SELECT id FROM execution')).rows.map((r) => r.id));
    for (const id of submitted) assert.ok(rows.has(id), `execution ${id}, answered 201, has its row`);
    const rolledBack: number[] = [];
    for (let id = 1; id <= last; id++) {
      const workflow = await workflowOf(id);
      if (rows.has(id)) assert.equal(workflow?.status.name, 'RUNNING', `execution ${id} has a row: its workflow runs`);
      else if (workflow !== undefined) rolledBack.push(id);
    }
    console.log(`# submissions: ${rows.size} rows, ${rolledBack.length} workflows whose row was rolled back, ${last - rows.size - rolledBack.length} ids with neither`);
    assert.ok(rolledBack.length >= held.length, 'each submission cut off at its commit left a workflow without a row');

    const restarted = Date.now();
    await stack.api.start();
    for (const id of rows) {
      const running = await waitForRecord(stack, id, (s) => s === 'running' || FINAL(s), 60_000);
      assert.equal(running.status, 'running', `execution ${id} ended instead: ${running.error_message}`);
      const served = await alice('GET', `/execution/${id}`);
      if (submitted.includes(id)) assert.equal((served.body as { status: string }).status, 'running', 'the restarted API serves it');
      await assertOneRunningContainerEach(stack, id, ['burst0']);
    }
    // A workflow without its row waits 15 s for it, then ends having started nothing.
    for (const id of rolledBack) {
      const handle = stack.temporal.workflow.getHandle(executionWorkflowId(stack.deployment, id));
      const outcome = await Promise.race([handle.result() as Promise<{ status: string; reason: string }>, sleep(30_000).then(() => undefined)]);
      assert.ok(outcome, `the workflow of rolled-back execution ${id} ended within 30 s`);
      assert.equal(outcome.status, 'error');
      assert.match(outcome.reason, /has no record: its submission was not committed/);
      assert.deepEqual(await stack.containers(id), [], `rolled-back execution ${id} started nothing`);
    }
    console.log(`# submissions: the rolled-back workflows ended ${seconds(restarted)} after the API restart`);

    const owners = await stack.pool.query<{ id: number; username: string }>('SELECT e.id, u.username FROM execution e JOIN "user" u ON u.id = e.user_id');
    for (const { id, username } of owners.rows) await kill(caller(stack.apiUrl, username, `${username}-pass`), id);
    for (const { id, username } of owners.rows) assert.deepEqual(await waitForRecord(stack, id, FINAL, 60_000), killedBy(username));
    await assertNothingLeft(stack);
  });

  void it('a commit slower than the workflow\'s first record: the execution runs once its row is committed', async () => {
    const commits = await holdCommits();
    const reply = alice('POST', '/execution', { name: 'slow-commit', application });
    const outcome = Promise.allSettled([reply]);
    try {
      await waitFor('the submission waiting to commit', async () => ((await commits.waiting()).length === 1 || undefined), 20_000, 20);
      await sleep(SLOW_COMMIT_MS);
    } finally {
      await commits.release();
    }
    const [answer] = await outcome;
    assert.equal(answer.status === 'fulfilled' && answer.value.status, 201);
    const id = ((await reply).body as { execution_id: number }).execution_id;
    const running = await waitForRecord(stack, id, (s) => s !== 'submitted' && s !== 'queued' && s !== 'starting', 20_000);
    assert.equal(running.status, 'running', `ended instead: ${running.error_message}`);
    await kill(alice, id);
    assert.deepEqual(await waitForRecord(stack, id, FINAL, 30_000), killedBy('alice'));
    await assertNothingLeft(stack);
  });

  void it('kills in flight: sent again to the restarted API, each execution ends once, with the kill\'s reason', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await submit(alice, application));
    for (const id of ids) assert.equal((await waitForRecord(stack, id, (s) => s === 'running' || FINAL(s), 30_000)).status, 'running');

    let killing: Promise<void> | undefined;
    const settled = await Promise.allSettled(ids.map(async (id) => {
      const reply = await alice('DELETE', `/execution/${id}`);
      killing ??= stack.api.kill9();
      return reply;
    }));
    await killing;
    const answered = settled.filter((s) => s.status === 'fulfilled');
    console.log(`# kills: ${answered.length} answered, ${ids.length - answered.length} cut off by the kill`);
    for (const s of answered) assert.equal(s.value.status, 204);
    assert.ok(answered.length < ids.length, 'some kills were cut off');

    await stack.api.start();
    for (const id of ids) {
      // Whether or not the first attempt reached the workflow, sending the kill again is safe.
      const again = await alice('DELETE', `/execution/${id}`);
      if (again.status !== 204) assert.deepEqual([again.status, (again.body as { error: { message: string } }).error.message], [400, 'Execution is not running']);
    }
    for (const id of ids) {
      assert.deepEqual(await waitForRecord(stack, id, FINAL, 60_000), killedBy('alice'));
      const history = await alice('GET', `/execution/history/${id}`);
      const statuses = (history.body as { events: Array<{ status: string | null }> }).events.map((e) => e.status).filter(Boolean);
      assert.deepEqual(statuses, ['queued', 'starting', 'running', 'cleaning up', 'terminated'], `execution ${id} ended once`);
    }
    await assertNothingLeft(stack);
  });
});
