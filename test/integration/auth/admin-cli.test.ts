// The administration commands of the `zoe` CLI, run as a user would (`node cli/bin/zoe.js`) against
// the real API, including the original zoe-admin.py's bugs, fixed: quota-create and quota-update send
// runtime_limit, user-create takes ldap+sasl, user-terminate terminates by id.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../../config/config.js';
import { caller, sampleZApp, waitForStatus, type Caller } from '../../helpers/api.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';

interface Run { code: number; stdout: string; stderr: string }

void describe('zoe administration commands', () => {
  let stack: TestStack;
  let admin: Caller;
  const home = mkdtempSync(join(tmpdir(), 'zoe-cli-home-'));

  /** Runs the CLI without blocking this process, which serves the API. */
  function zoe(args: string[], user = 'admin', pass?: string): Promise<Run> {
    const env = {
      ...process.env, HOME: home, ZOE_URL: stack.apiUrl.replace(/\/api\/0\.7$/, ''), ZOE_USER: user, ZOE_PASS: pass ?? stack.adminPassword,
    };
    return new Promise((resolve) => {
      execFile(process.execPath, [join(projectRoot, 'cli', 'bin', 'zoe.js'), ...args], { env, cwd: projectRoot }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }
  async function ok(args: string[]): Promise<string> {
    const run = await zoe(args);
    assert.equal(run.code, 0, `zoe ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  }
  const json = async <T>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '--json'])) as T;

  before(async () => {
    stack = await startTestStack();
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
  });
  after(() => stack.stop());

  void it('creates, shows, lists, updates and deletes a quota, runtime limit included', async () => {
    const created = await json<{ quota_id: number }>(['quota-create', 'small', '2', '2GiB', '3', '6']);
    const id = created.quota_id;
    assert.deepEqual(await json(['quota-get', String(id)]),
      { id, name: 'small', concurrent_executions: 2, memory: 2 * 1024 ** 3, cores: 3, runtime_limit: 6 });
    const table = await ok(['quota-ls']);
    assert.match(table, /^ID\s+Name\s+Conc\. executions\s+Memory\s+Cores\s+Runtime limit \(h\)$/m);
    assert.match(table, new RegExp(`^${id}\\s+small\\s+2\\s+2 GiB\\s+3\\s+6$`, 'm'));
    assert.match(table, /^\d+\s+default\s+5\s+32 GiB\s+20\s+24$/m);

    assert.match(await ok(['quota-update', String(id), '--runtime_limit', '0', '--cores', '4', '--memory', '1073741824']), /updated/);
    assert.deepEqual(await json(['quota-get', String(id)]),
      { id, name: 'small', concurrent_executions: 2, memory: 1024 ** 3, cores: 4, runtime_limit: 0 });
    assert.match(await ok(['quota-ls', '--name', 'small']), /unlimited/);

    assert.match(await ok(['quota-delete', String(id)]), /deleted/);
    const gone = await zoe(['quota-get', String(id)]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, new RegExp(`quota ${id} not found`));
  });

  void it('creates, updates and deletes a role with 0/1 capabilities', async () => {
    const { role_id: id } = await json<{ role_id: number }>(['role-create', 'operators', '1', '0', '1', '0', '1', '0', '0']);
    const role = await json<Record<string, unknown>>(['role-get', String(id)]);
    assert.deepEqual(role, {
      id, name: 'operators', can_see_status: true, can_change_config: false, can_operate_others: true, can_delete_executions: false,
      can_access_api: true, can_customize_resources: false, can_access_full_zapp_shop: false,
    });
    await ok(['role-update', String(id), '--can-delete-executions', '1', '--can_see_status', '0']);
    const updated = await json<Record<string, unknown>>(['role-get', String(id)]);
    assert.equal(updated.can_delete_executions, true);
    assert.equal(updated.can_see_status, false);
    const table = await ok(['role-ls']);
    assert.match(table, /^ID\s+Name\s+See status\s+Change config/m);
    assert.match(table, new RegExp(`^${id}\\s+operators\\s+no\\s+no\\s+yes\\s+yes\\s+yes\\s+no\\s+no$`, 'm'));
    const refused = await zoe(['role-update', '1', '--name', 'boss']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /admin role cannot be changed/);
    await ok(['role-delete', String(id)]);
    assert.deepEqual(await json(['role-ls', '--name', 'operators']), []);
  });

  void it('creates users with role and quota names, ldap+sasl included, lists, updates and deletes them', async () => {
    const { user_id: id } = await json<{ user_id: number }>(['user-create', 'carol', 'carol@zoe.test', 'ldap+sasl', '-1', 'user', 'default']);
    const bad = await zoe(['user-create', 'dave', 'dave@zoe.test', 'ldap+ssl', '-1', 'user', 'default']);
    assert.equal(bad.code, 2, 'the original\'s misspelt choice is refused as bad usage');
    const unknownRole = await zoe(['user-create', 'dave', 'dave@zoe.test', 'internal', '-1', 'nobody', 'default']);
    assert.equal(unknownRole.code, 1);
    assert.match(unknownRole.stderr, /no role named nobody/);

    const carol = await json<Record<string, unknown>>(['user-get', String(id)]);
    assert.equal(carol.auth_source, 'ldap+sasl');
    assert.equal(carol.email, 'carol@zoe.test');

    await ok(['user-update', String(id), '--enabled', 'false', '--role', 'superuser', '--priority', '2']);
    const updated = await json<Record<string, unknown>>(['user-get', String(id)]);
    assert.equal(updated.enabled, false);
    assert.equal(updated.priority, 2);
    const superusers = await json<Array<{ username: string }>>(['user-ls', '--role', 'superuser']);
    assert.deepEqual(superusers.map((u) => u.username), ['carol']);
    assert.deepEqual((await json<Array<{ username: string }>>(['user-ls', '--enabled', '0'])).map((u) => u.username), ['carol']);
    const table = await ok(['user-ls']);
    assert.match(table, /^ID\s+Username\s+Email\s+FS UID\s+Priority\s+Enabled\s+Auth source\s+Role\s+Quota$/m);
    assert.match(table, new RegExp(`^${id}\\s+carol\\s+carol@zoe\\.test\\s+\\d+\\s+2\\s+no\\s+ldap\\+sasl\\s+superuser\\s+default$`, 'm'));
    assert.match(await ok(['user-get', String(id)]), /carol.*superuser\s+default/);

    await ok(['user-update', String(id), '--auth_source', 'internal', '--password', 'carol-pass-1', '--enabled', 'true']);
    assert.equal((await caller(stack.apiUrl, 'carol', 'carol-pass-1')('GET', '/login')).status, 200);
    await ok(['user-delete', String(id)]);
    assert.equal((await admin('GET', `/user/${id}`)).status, 404);
  });

  void it('terminates every active execution of a user by id, and removes an ended execution\'s record', async () => {
    const alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    const submitted = await alice('POST', '/execution', { name: 'cli-web', application: sampleZApp('web') });
    assert.equal(submitted.status, 201);
    const execution = (submitted.body as { execution_id: number }).execution_id;
    const started = await waitForStatus(alice, execution, (s) => s === 'running' || s === 'terminated' || s === 'error');
    assert.equal(started.status, 'running', `ended early: ${started.error_message}`);
    const aliceId = ((await alice('GET', '/login')).body as { user: { id: number } }).user.id;

    const result = await json<{ user_id: number; terminated: number[] }>(['user-terminate', String(aliceId)]);
    assert.deepEqual(result, { user_id: aliceId, terminated: [execution] });
    const ended = await waitForStatus(alice, execution, (s) => s === 'terminated' || s === 'error');
    assert.equal(ended.status, 'terminated');
    assert.match(await ok(['user-terminate', String(aliceId)]), /has no active execution/);

    assert.match(await ok(['exec-rm', String(execution)]), new RegExp(`Execution ${execution} deleted`));
    assert.equal((await alice('GET', `/execution/${execution}`)).status, 404);
  });

  void it('says what went wrong: refusals exit 1 with the API\'s message, bad usage exits 2', async () => {
    const notAdmin = await zoe(['quota-create', 'mine', '9', '0', '0', '0'], 'alice', 'alice-pass');
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /your role cannot change users, roles or quotas/);
    const badId = await zoe(['quota-get', 'abc']);
    assert.equal(badId.code, 2);
    assert.match(badId.stderr, /id must be a positive integer/);
    const nothing = await zoe(['quota-update', '1']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /nothing to change/);
    const badMemory = await zoe(['quota-create', 'q', '1', 'lots', '1', '1']);
    assert.equal(badMemory.code, 2);
    const wrongLogin = await zoe(['quota-ls'], 'admin', 'wrong');
    assert.equal(wrongLogin.code, 1);
    assert.match(wrongLogin.stderr, /invalid username or password/);
    assert.equal((await admin('GET', '/quota?name=mine')).status, 200);
    assert.deepEqual((await admin('GET', '/quota?name=mine')).body, {}, 'nothing created');
  });
});
