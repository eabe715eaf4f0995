// Load through the API, against the real stack: 20 users submit 200 executions at once, 10 each,
// with a quota of 5 concurrent executions. Each accepted one (201) exists exactly once in
// PostgreSQL (its row and its service row) and exactly once in Temporal; each refused one says why
// (409 and the quota's reason); nothing is half-created (no row without its workflow, no workflow
// without its row, nothing for a refused request). Then all of them are terminated and no
// container or network is left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executionWorkflowId } from '../../model/naming.js';
import { caller, sampleZApp, type Caller, type Reply } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const USERS = Array.from({ length: 20 }, (_, i) => `load${String(i + 1).padStart(2, '0')}`);
const PER_USER = 10;
const QUOTA = 5;

/** One tiny busybox service that waits: nothing it does costs more than a sleeping process. */
function sleeper(): Record<string, unknown> {
  const zapp = sampleZApp('batch');
  const service = (zapp.services as Array<Record<string, unknown>>)[0]!;
  service.command = 'sleep 600';
  service.environment = [];
  return zapp;
}

interface Outcome { user: string; name: string; reply: Reply<{ execution_id?: number; error?: { code: string; message: string } }> }

void describe('200 executions submitted at once by 20 users', () => {
  let stack: TestStack;
  let admin: Caller;
  const outcomes: Outcome[] = [];
  let accepted: Outcome[] = [];
  let submitSeconds = 0;

  before(async () => {
    stack = await startTestStack({ users: USERS.map((u) => `${u},${u}-pass,user`).join('\n') + '\n' });
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
    await stack.pool.query('UPDATE quota SET concurrent_executions = $1 WHERE name = \'default\'', [QUOTA]);
    const started = Date.now();
    // No user has logged in before: their first logins, which create their rows, are concurrent too.
    await Promise.all(USERS.flatMap((user) => Array.from({ length: PER_USER }, async (_, n) => {
      const name = `${user}-${n}`;
      const reply = (await caller(stack.apiUrl, user, `${user}-pass`)('POST', '/execution', { name, application: sleeper() })) as Outcome['reply'];
      outcomes.push({ user, name, reply });
    })));
    submitSeconds = (Date.now() - started) / 1000;
    accepted = outcomes.filter((o) => o.reply.status === 201);
  });

  after(() => stack.stop());

  /** For a failure message: the record's status and the order of the messages each execution's workflow saw and sent. */
  async function whatHappened(ids: number[]): Promise<string> {
    const lines = await Promise.all(ids.map(async (id) => {
      const row = await stack.pool.query<{ status: string }>('SELECT status FROM execution WHERE id = $1', [id]);
      const history = await stack.temporal.workflow.getHandle(executionWorkflowId(stack.config.deployment, id)).fetchHistory();
      const steps = (history.events ?? []).flatMap((e) => {
        if (e.workflowExecutionSignaledEventAttributes) return [`received ${e.workflowExecutionSignaledEventAttributes.signalName}`];
        if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) return [`sent ${e.signalExternalWorkflowExecutionInitiatedEventAttributes.signalName}`];
        if (e.workflowExecutionCompletedEventAttributes) return ['completed'];
        return [];
      });
      return `  execution ${id} (${row.rows[0]?.status}): ${steps.join(', ')}`;
    }));
    return lines.join('\n');
  }

  void it('answers every request: 201 with an id, or 409 with the quota\'s reason', () => {
    assert.equal(outcomes.length, USERS.length * PER_USER);
    const unexpected = outcomes.filter((o) => o.reply.status !== 201 && o.reply.status !== 409);
    assert.deepEqual(unexpected.map((o) => `${o.name}: ${o.reply.status} ${JSON.stringify(o.reply.body)}`), []);
    for (const o of accepted) assert.ok(Number.isInteger(o.reply.body.execution_id), o.name);
    for (const o of outcomes.filter((x) => x.reply.status === 409)) {
      assert.equal(o.reply.body.error?.code, 'conflict', o.name);
      assert.match(o.reply.body.error?.message ?? '', /You cannot run more than 5 executions at a time \(quota "default"\)/, o.name);
      assert.match(o.reply.reason, /cannot run more than 5/, `${o.name}: the reason phrase too`);
    }
    console.log(`submitted ${outcomes.length} in ${submitSeconds.toFixed(1)} s: ${accepted.length} accepted`);
  });

  void it('holds each user to the quota: exactly 5 accepted each, whatever the interleaving', () => {
    const perUser = Object.fromEntries(USERS.map((u) => [u, accepted.filter((o) => o.user === u).length]));
    assert.deepEqual(perUser, Object.fromEntries(USERS.map((u) => [u, QUOTA])));
    assert.equal(new Set(accepted.map((o) => o.reply.body.execution_id)).size, accepted.length, 'distinct ids');
  });

  void it('stores each accepted execution exactly once in PostgreSQL, with its service, and nothing else', async () => {
    const rows = await stack.pool.query<{ id: number; name: string; username: string; services: number }>(
      `SELECT e.id, e.name, u.username, (SELECT count(*)::int FROM service s WHERE s.execution_id = e.id) AS services
       FROM execution e JOIN "user" u ON u.id = e.user_id ORDER BY e.id`);
    const stored = rows.rows.map((r) => `${r.id} ${r.username} ${r.name} ${r.services}`);
    const expected = accepted.map((o) => `${o.reply.body.execution_id} ${o.user} ${o.name} 1`)
      .sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0]));
    assert.deepEqual(stored, expected);
    const users = await stack.pool.query<{ username: string; n: number }>('SELECT username, count(*)::int AS n FROM "user" GROUP BY username HAVING count(*) > 1');
    assert.deepEqual(users.rows, [], 'one row per user, though their first logins were concurrent');
  });

  void it('has exactly one workflow for each accepted execution in Temporal, and no other', async () => {
    const deployment = stack.config.deployment;
    const expected = accepted.map((o) => executionWorkflowId(deployment, o.reply.body.execution_id!)).sort();
    // Visibility is eventually consistent: wait until it has caught up with the submissions.
    const listed: string[] = [];
    const deadline = Date.now() + 30_000;
    do {
      listed.length = 0;
      for await (const workflow of stack.temporal.workflow.list({ query: `WorkflowType = 'executionWorkflow' AND ZoeDeployment = '${deployment}'` })) {
        listed.push(workflow.workflowId);
      }
      if (listed.length >= expected.length) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } while (Date.now() < deadline);
    assert.deepEqual(listed.sort(), expected, 'one run per accepted execution, none for a refused one');
    const described = await Promise.all(expected.map((id) => stack.temporal.workflow.getHandle(id).describe()));
    assert.deepEqual(described.map((d) => d.type), expected.map(() => 'executionWorkflow'));
  });

  void it('terminates them all when asked, and leaves no container or network behind', async () => {
    const kills = await Promise.all(accepted.map((o) => caller(stack.apiUrl, o.user, `${o.user}-pass`)('DELETE', `/execution/${o.reply.body.execution_id}`)));
    assert.deepEqual(kills.map((k) => k.status), accepted.map(() => 204));
    const deadline = Date.now() + 120_000;
    let pending: Array<{ id: number; status: string }>;
    do {
      pending = (await stack.pool.query<{ id: number; status: string }>("SELECT id, status FROM execution WHERE status <> 'terminated' ORDER BY id")).rows;
      if (pending.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } while (Date.now() < deadline);
    assert.deepEqual(pending, [], 'every execution reached terminated');
    assert.deepEqual(await stack.containers(), [], 'no container left');
    const networks = await stack.docker.listNetworks({ filters: { label: [`zoe_deployment=${stack.config.deployment}`] } });
    assert.deepEqual(networks.map((n) => n.Name), [], 'no network left');
    const open = stack.temporal.workflow.list({ query: `WorkflowType = 'executionWorkflow' AND ZoeDeployment = '${stack.config.deployment}' AND ExecutionStatus = 'Running'` });
    const stillRunning: string[] = [];
    const until = Date.now() + 20_000;
    do {
      stillRunning.length = 0;
      for await (const workflow of open) stillRunning.push(workflow.workflowId);
      if (stillRunning.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } while (Date.now() < until);
    assert.deepEqual(stillRunning, [], 'every workflow has closed');
    // The scheduler hears of each release by signal: give it a moment to have processed them all.
    let held: number[][];
    const settled = Date.now() + 30_000;
    do {
      const stats = (await admin('GET', '/statistics/scheduler')).body as { queue: number[]; running_queue: number[] };
      held = [stats.queue, stats.running_queue];
      if (held.every((ids) => ids.length === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } while (Date.now() < settled);
    assert.deepEqual(held, [[], []], `the scheduler holds nothing: queue and running\n${await whatHappened(held.flat())}`);
  });
});
