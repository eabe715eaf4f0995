// Restarting an execution and terminating every execution of a user, through the REST API and the
// `zoe` CLI, against the real stack: a restart is a new execution (new id, new containers) with the
// same description and name, refused like a missing one for someone else's; user-terminate ends
// every active execution of one user and nobody else's, and only roles that operate others' may
// ask for it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../config/config.js';
import { caller, sampleZApp, waitForStatus, type Caller } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

interface Run { code: number; stdout: string; stderr: string }
interface ErrorBody { error: { code: string; message: string; field?: string } }
interface ExecutionBody { id: number; name: string; user_id: number; status: string; description: unknown; error_message: string | null }

const FINAL = (s: string) => s === 'terminated' || s === 'error';
const RUNNING_OR_ENDED = (s: string) => s === 'running' || FINAL(s);

/** A one-service busybox ZApp that runs until it is terminated. */
function sleeper(): Record<string, unknown> {
  const zapp = sampleZApp('batch');
  const service = (zapp.services as Array<Record<string, unknown>>)[0]!;
  service.command = 'sleep 3600';
  service.environment = [];
  return zapp;
}

void describe('restart and user-terminate', () => {
  let stack: TestStack;
  let admin: Caller;
  let alice: Caller;
  let bob: Caller;
  let sam: Caller;
  const ids: Record<string, number> = {};
  const home = mkdtempSync(join(tmpdir(), 'zoe-restart-home-'));

  /** Runs the CLI as a user would, without blocking this process, which serves the API. */
  function zoe(args: string[], user: [string, string]): Promise<Run> {
    const env = { ...process.env, HOME: home, ZOE_URL: stack.apiUrl.replace(/\/api\/0\.7$/, ''), ZOE_USER: user[0], ZOE_PASS: user[1] };
    return new Promise((resolve) => {
      execFile(process.execPath, [join(projectRoot, 'cli', 'bin', 'zoe.js'), ...args], { env, cwd: projectRoot }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  async function submit(who: Caller, name: string, zapp: Record<string, unknown>): Promise<number> {
    const reply = await who('POST', '/execution', { name, application: zapp });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return (reply.body as { execution_id: number }).execution_id;
  }

  async function execution(id: number): Promise<ExecutionBody> {
    return (await admin('GET', `/execution/${id}`)).body as ExecutionBody;
  }

  const executionCount = async () => (await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM execution')).rows[0]!.n;

  before(async () => {
    stack = await startTestStack({ users: 'alice,alice-pass,user\nbob,bob-pass,user\nsam,sam-pass,superuser\n' });
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    bob = caller(stack.apiUrl, 'bob', 'bob-pass');
    sam = caller(stack.apiUrl, 'sam', 'sam-pass');
    for (const [name, who] of [['alice', alice], ['bob', bob], ['sam', sam]] as const) {
      ids[name] = ((await who('GET', '/login')).body as { user: { id: number } }).user.id;
    }
  });
  after(async () => {
    const active = await stack.pool.query<{ id: number }>("SELECT id FROM execution WHERE status NOT IN ('terminated', 'error')");
    await Promise.all(active.rows.map((r) => admin('DELETE', `/execution/${r.id}`)));
    await Promise.all(active.rows.map((r) => waitForStatus(admin, r.id, FINAL, 90_000)));
    await stack.stop();
  });

  void it('restarts an execution as a new one with the same description and name, which runs in containers of its own', async () => {
    const original = await submit(alice, 'web-demo', sampleZApp('web'));
    assert.equal((await waitForStatus(alice, original, RUNNING_OR_ENDED)).status, 'running');
    assert.equal((await alice('DELETE', `/execution/${original}`)).status, 204);
    await waitForStatus(alice, original, FINAL);

    const reply = await alice('POST', `/execution/restart/${original}`);
    assert.equal(reply.status, 201);
    const restarted = (reply.body as { execution_id: number }).execution_id;
    assert.notEqual(restarted, original);
    const running = await waitForStatus(alice, restarted, RUNNING_OR_ENDED);
    assert.equal(running.status, 'running', `ended early: ${running.error_message}`);
    const [old, renewed] = [await execution(original), await execution(restarted)];
    assert.deepEqual(renewed.description, old.description, 'the same ZApp');
    assert.equal(renewed.name, 'web-demo');
    assert.equal(renewed.user_id, ids.alice);
    assert.equal(old.status, 'terminated', 'the original is left as it was');

    const [container] = await stack.containers(restarted);
    assert.ok(container, 'the restart has a container of its own');
    assert.deepEqual(container.Names, [`/web0-${restarted}-${stack.config.deployment}`]);
    const inspected = await stack.docker.getContainer(container.Id).inspect();
    assert.ok(inspected.Config.Env.includes(`EXECUTION_ID=${restarted}`), 'planned afresh for the new id');
    const endpoints = (await alice('GET', `/execution/endpoints/${restarted}`)).body as { endpoints: Array<[string, string]> };
    assert.match(await (await fetch(endpoints.endpoints[0]![1])).text(), /Hello from a Zoe ZApp/);

    const history = (await alice('GET', `/execution/history/${restarted}`)).body as { events: Array<{ status: string | null }> };
    assert.deepEqual(history.events.map((e) => e.status).filter(Boolean), ['queued', 'starting', 'running'], 'a history of its own');

    const renamed = await alice('POST', `/execution/restart/${original}`, { name: 'web-again' });
    assert.equal(renamed.status, 201);
    const renamedId = (renamed.body as { execution_id: number }).execution_id;
    assert.equal((await execution(renamedId)).name, 'web-again');
    for (const id of [restarted, renamedId]) assert.equal((await alice('DELETE', `/execution/${id}`)).status, 204);
    for (const id of [restarted, renamedId]) await waitForStatus(alice, id, FINAL);
    assert.deepEqual(await stack.containers(restarted), []);
  });

  void it('refuses to restart someone else\'s execution exactly as a missing one, and refuses bad input and an exceeded quota', async () => {
    const mine = await submit(alice, 'private', sleeper());
    const count = await executionCount();
    const theirs = await bob('POST', `/execution/restart/${mine}`);
    const missing = await bob('POST', '/execution/restart/999999');
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.body, { error: { code: 'not_found', message: `execution ${mine} not found` } });
    assert.deepEqual(missing.body, { error: { code: 'not_found', message: 'execution 999999 not found' } });
    assert.equal(await executionCount(), count, 'nothing was created');
    // A user sees nothing of another's: not in their list, not by id, not its services.
    assert.ok(!Object.keys((await bob('GET', '/execution')).body as object).includes(String(mine)));
    assert.equal((await bob('GET', `/execution/${mine}`)).status, 404);
    assert.equal((await bob('GET', `/execution/history/${mine}`)).status, 404);

    const unknown = await alice('POST', `/execution/restart/${mine}`, { name: 'x', application: {} });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body as ErrorBody).error.field, 'application');
    assert.match((unknown.body as ErrorBody).error.message, /Unknown field "application"/);
    const empty = await alice('POST', `/execution/restart/${mine}`, { name: '' });
    assert.deepEqual([empty.status, (empty.body as ErrorBody).error.field], [400, 'name']);
    const badId = await alice('POST', '/execution/restart/abc');
    assert.deepEqual([badId.status, (badId.body as ErrorBody).error.field], [400, 'id']);
    assert.equal(await executionCount(), count, 'nothing was created');

    await stack.pool.query("UPDATE quota SET concurrent_executions = 1 WHERE name = 'default'");
    try {
      const overQuota = await alice('POST', `/execution/restart/${mine}`);
      assert.equal(overQuota.status, 409);
      assert.match((overQuota.body as ErrorBody).error.message, /cannot run more than 1 execution at a time/);
    } finally {
      await stack.pool.query("UPDATE quota SET concurrent_executions = 5 WHERE name = 'default'");
    }
    assert.equal((await alice('DELETE', `/execution/${mine}`)).status, 204);
    await waitForStatus(alice, mine, FINAL);
  });

  void it('restarts from the CLI: zoe restart ID --name N --wait', async () => {
    const original = await submit(bob, 'cli-original', sleeper());
    const run = await zoe(['restart', String(original), '--name', 'cli-again', '--wait', '--json'], ['bob', 'bob-pass']);
    assert.equal(run.code, 0, run.stderr);
    const restarted = JSON.parse(run.stdout) as ExecutionBody;
    assert.notEqual(restarted.id, original);
    assert.deepEqual([restarted.status, restarted.name, restarted.user_id], ['running', 'cli-again', ids.bob]);
    assert.deepEqual((await execution(restarted.id)).description, (await execution(original)).description);
    const text = await zoe(['restart', String(original)], ['bob', 'bob-pass']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^Execution (\\d+) submitted, a restart of ${original}: follow it with \`zoe get \\1\`\n$`));
    const refused = await zoe(['restart', String(original)], ['alice', 'alice-pass']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`^zoe: execution ${original} not found\n$`));
  });

  void it('zoe start still names each problem at its path inside the file, now that the API gives paths inside the request', async () => {
    const zapp = sampleZApp('web');
    const service = (zapp.services as Array<Record<string, unknown>>)[0]!;
    delete service.image;
    service.volumes = [{ name: 'etc', path: '/etc', read_only: true }];
    const file = join(home, 'broken.json');
    writeFileSync(file, JSON.stringify(zapp));
    const run = await zoe(['start', 'broken', file], ['alice', 'alice-pass']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'zoe: the ZApp was refused; fix these and run the command again:\n  services[0].image: This field is required.\n');
    const reply = await alice('POST', '/execution', { name: 'broken', application: zapp });
    assert.deepEqual((reply.body as { error: { details: unknown } }).error.details, { errors: [{ path: 'application.services[0].image', message: 'This field is required.' }] });
  });

  void it('terminates every active execution of one user, nobody else\'s, only for roles that operate others\'', async () => {
    // bob has three running from the previous test; alice gets two, sam one.
    const bobs = (await stack.pool.query<{ id: number }>("SELECT id FROM execution WHERE user_id = $1 AND status NOT IN ('terminated', 'error') ORDER BY id", [ids.bob])).rows.map((r) => r.id);
    assert.equal(bobs.length, 3);
    const alices = [await submit(alice, 'a1', sleeper()), await submit(alice, 'a2', sleeper())];
    const sams = [await submit(sam, 's1', sleeper())];
    for (const id of [...alices, ...sams, ...bobs]) assert.equal((await waitForStatus(admin, id, RUNNING_OR_ENDED)).status, 'running');

    for (const [who, target] of [[alice, ids.bob], [alice, ids.alice], [sam, ids.bob], [bob, 999_999]] as const) {
      const refused = await who('DELETE', `/user/${target}/executions`);
      assert.equal(refused.status, 403, 'refused before anything is looked up');
      assert.equal((refused.body as ErrorBody).error.code, 'forbidden');
      assert.match((refused.body as ErrorBody).error.message, /cannot terminate a user's executions: that needs can_operate_others/);
    }
    for (const id of [...alices, ...sams, ...bobs]) assert.equal((await execution(id)).status, 'running', 'nothing was terminated');

    const reply = await admin('DELETE', `/user/${ids.alice}/executions`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { user_id: ids.alice, terminated: alices });
    for (const id of alices) {
      const ended = await waitForStatus(admin, id, FINAL);
      assert.deepEqual([ended.status, ended.error_message], ['terminated', 'user admin request from API']);
      assert.deepEqual(await stack.containers(id), []);
    }
    for (const id of [...sams, ...bobs]) assert.equal((await execution(id)).status, 'running', 'other users\' executions run on');
    assert.deepEqual((await admin('DELETE', `/user/${ids.alice}/executions`)).body, { user_id: ids.alice, terminated: [] });
    assert.deepEqual((await admin('DELETE', '/user/999999/executions')).body, { error: { code: 'not_found', message: 'user 999999 not found' } });

    // The CLI makes the same single call.
    const denied = await zoe(['user-terminate', String(ids.bob)], ['alice', 'alice-pass']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /cannot terminate a user's executions/);
    const run = await zoe(['user-terminate', String(ids.bob), '--json'], ['admin', stack.adminPassword]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { user_id: ids.bob, terminated: bobs });
    for (const id of bobs) assert.equal((await waitForStatus(admin, id, FINAL)).status, 'terminated');
    const text = await zoe(['user-terminate', String(ids.sam)], ['admin', stack.adminPassword]);
    assert.equal(text.stdout, `Terminating 1 execution of user ${ids.sam}: ${sams[0]}\n`);
    await waitForStatus(admin, sams[0]!, FINAL);
  });
});
