// User, role and quota administration through the real API (spec §3.1 rows 5–19 and 28): the
// JSON shapes, the exact statuses, who may do what, and the original's protections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caller, type Caller } from '../../helpers/api.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';

const USER_KEYS = ['auth_source', 'email', 'enabled', 'fs_uid', 'id', 'priority', 'quota_id', 'role_id', 'username'];
const ROLE_KEYS = ['can_access_api', 'can_access_full_zapp_shop', 'can_change_config', 'can_customize_resources',
  'can_delete_executions', 'can_operate_others', 'can_see_status', 'id', 'name'];
const QUOTA_KEYS = ['concurrent_executions', 'cores', 'id', 'memory', 'name', 'runtime_limit'];

type ErrorBody = { error: { code: string; message: string; field?: string } };

void describe('administration of users, roles and quotas', () => {
  let stack: TestStack;
  let admin: Caller;
  let alice: Caller;
  let bob: Caller;
  const ids: Record<string, number> = {};

  const idOf = async (table: 'user' | 'role' | 'quota', name: string) =>
    (await stack.pool.query<{ id: number }>(`SELECT id FROM "${table}" WHERE ${table === 'user' ? 'username' : 'name'} = $1`, [name])).rows[0]!.id;
  const userRow = async (id: number) =>
    (await stack.pool.query<{ role_id: number; quota_id: number; password: string | null; email: string | null }>('SELECT * FROM "user" WHERE id = $1', [id])).rows[0];

  before(async () => {
    stack = await startTestStack();
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    bob = caller(stack.apiUrl, 'bob', 'bob-pass');
    assert.equal((await alice('GET', '/login')).status, 200);
    assert.equal((await bob('GET', '/login')).status, 200);
    for (const name of ['admin', 'alice', 'bob']) ids[name] = await idOf('user', name);
    for (const name of ['admin', 'user', 'guest']) ids[`role:${name}`] = await idOf('role', name);
    ids['quota:default'] = await idOf('quota', 'default');
  });
  after(() => stack.stop());

  void it('creates, reads, lists, updates and deletes quotas, with 201, 200 and 204', async () => {
    const created = await admin('POST', '/quota', { name: 'small', concurrent_executions: 1, memory: 1073741824, cores: 2, runtime_limit: 1 });
    assert.equal(created.status, 201);
    const id = (created.body as { quota_id: number }).quota_id;
    assert.ok(Number.isInteger(id));

    const got = await alice('GET', `/quota/${id}`); // any logged-in user may read one
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { quota: { id, name: 'small', concurrent_executions: 1, memory: 1073741824, cores: 2, runtime_limit: 1 } });

    const list = await admin('GET', '/quota');
    assert.equal(list.status, 200);
    const all = list.body as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(all).sort(), [String(ids['quota:default']), String(id)].sort());
    assert.deepEqual(Object.keys(all[String(ids['quota:default'])]!).sort(), QUOTA_KEYS);
    assert.deepEqual(all[String(ids['quota:default'])], {
      id: ids['quota:default'], name: 'default', concurrent_executions: 5, memory: 34359738368, cores: 20, runtime_limit: 24,
    });
    assert.deepEqual(Object.keys((await admin('GET', '/quota?name=small')).body as object), [String(id)]);

    const update = await admin('POST', `/quota/${id}`, { cores: 4, runtime_limit: 0 });
    assert.equal(update.status, 201);
    assert.equal(update.body, undefined, 'empty body');
    assert.deepEqual(((await admin('GET', `/quota/${id}`)).body as { quota: object }).quota,
      { id, name: 'small', concurrent_executions: 1, memory: 1073741824, cores: 4, runtime_limit: 0 });

    assert.equal((await admin('DELETE', `/quota/${id}`)).status, 204);
    assert.equal((await admin('GET', `/quota/${id}`)).status, 404);
    assert.equal((await admin('DELETE', `/quota/${id}`)).status, 404);
  });

  void it('validates quota bodies strictly, requiring runtime_limit and naming unknown fields', async () => {
    const missing = await admin('POST', '/quota', { name: 'q1', concurrent_executions: 1, memory: 1, cores: 1 });
    assert.equal(missing.status, 400);
    assert.equal((missing.body as ErrorBody).error.field, 'runtime_limit');
    const unknown = await admin('POST', '/quota', { name: 'q1', concurrent_executions: 1, memory: 1, cores: 1, runtime_limit: 1, gpus: 2 });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body as ErrorBody).error.field, 'gpus');
    assert.match((unknown.body as ErrorBody).error.message, /Unknown field "gpus"/);
    assert.equal((await admin('POST', '/quota', { name: 'q1', concurrent_executions: -1, memory: 1, cores: 1, runtime_limit: 1 })).status, 400);
    assert.equal((await admin('POST', '/quota', { name: 'q1', concurrent_executions: 1, memory: '1', cores: 1, runtime_limit: 1 })).status, 400);
    assert.equal((await admin('POST', `/quota/${ids['quota:default']}`, {})).status, 400, 'nothing to change');
    assert.equal((await admin('POST', '/quota', undefined, '{"name":')).status, 400, 'malformed JSON');
    assert.equal((await admin('GET', '/quota/abc')).status, 400);
    assert.equal((await admin('GET', '/quota?colour=red')).status, 400);
    const duplicate = await admin('POST', '/quota', { name: 'default', concurrent_executions: 1, memory: 1, cores: 1, runtime_limit: 1 });
    assert.equal(duplicate.status, 409);
    assert.equal((duplicate.body as ErrorBody).error.field, 'name');
    const rows = await stack.pool.query("SELECT 1 FROM quota WHERE name = 'q1'");
    assert.equal(rows.rowCount, 0, 'nothing stored');
  });

  void it('protects the default quota and moves the users of a deleted quota to it', async () => {
    const defaultId = ids['quota:default']!;
    const rename = await admin('POST', `/quota/${defaultId}`, { name: 'standard' });
    assert.equal(rename.status, 403);
    assert.equal((rename.body as ErrorBody).error.code, 'protected');
    assert.equal((await admin('DELETE', `/quota/${defaultId}`)).status, 403);
    assert.equal((await admin('POST', `/quota/${defaultId}`, { cores: 21 })).status, 201, 'its limits may change');
    assert.equal((await admin('POST', `/quota/${defaultId}`, { cores: 20, name: 'default' })).status, 201);

    const big = ((await admin('POST', '/quota', { name: 'big', concurrent_executions: 10, memory: 0, cores: 0, runtime_limit: 0 })).body as { quota_id: number }).quota_id;
    assert.equal((await admin('POST', `/user/${ids.bob}`, { quota_id: big })).status, 201);
    assert.equal((await userRow(ids.bob!))!.quota_id, big);
    assert.equal((await admin('DELETE', `/quota/${big}`)).status, 204);
    assert.equal((await userRow(ids.bob!))!.quota_id, defaultId);
  });

  void it('keeps quota and role administration to admins, while anyone logged in reads one', async () => {
    assert.equal((await alice('GET', '/quota')).status, 403);
    assert.equal((await alice('POST', '/quota', { name: 'mine', concurrent_executions: 99, memory: 0, cores: 0, runtime_limit: 0 })).status, 403);
    assert.equal((await alice('POST', `/quota/${ids['quota:default']}`, { concurrent_executions: 99 })).status, 403);
    assert.equal((await alice('DELETE', `/quota/${ids['quota:default']}`)).status, 403);
    assert.equal((await alice('GET', `/quota/${ids['quota:default']}`)).status, 200);
    assert.equal((await alice('GET', '/role')).status, 403);
    assert.equal((await alice('POST', '/role', { name: 'mine', can_change_config: true })).status, 403);
    assert.equal((await alice('POST', `/role/${ids['role:user']}`, { can_change_config: true })).status, 403);
    assert.equal((await alice('DELETE', `/role/${ids['role:user']}`)).status, 403);
    const role = await alice('GET', `/role/${ids['role:admin']}`);
    assert.equal(role.status, 200);
    assert.deepEqual(Object.keys((role.body as { role: object }).role).sort(), ROLE_KEYS);
    const flags = await stack.pool.query<{ can_change_config: boolean }>('SELECT can_change_config FROM role WHERE id = $1', [ids['role:user']]);
    assert.equal(flags.rows[0]!.can_change_config, false, 'nothing changed');
  });

  void it('creates, updates and deletes roles; a deleted role\'s users get the user role', async () => {
    const created = await admin('POST', '/role', { name: 'operators', can_operate_others: true, can_see_status: true });
    assert.equal(created.status, 201);
    const id = (created.body as { role_id: number }).role_id;
    const { role } = (await admin('GET', `/role/${id}`)).body as { role: Record<string, unknown> };
    assert.deepEqual(role, {
      id, name: 'operators', can_see_status: true, can_change_config: false, can_operate_others: true, can_delete_executions: false,
      can_access_api: false, can_customize_resources: false, can_access_full_zapp_shop: false,
    });
    assert.deepEqual(Object.keys((await admin('GET', '/role?name=operators')).body as object), [String(id)]);
    assert.equal(Object.keys((await admin('GET', '/role')).body as object).length, 5);
    assert.equal((await admin('POST', '/role', { name: 'operators' })).status, 409);
    assert.equal((await admin('POST', '/role', { name: 'x', can_fly: true })).status, 400);
    assert.equal((await admin('POST', '/role', { can_see_status: true })).status, 400, 'name required');

    assert.equal((await admin('POST', `/role/${id}`, { name: 'ops', can_delete_executions: true })).status, 201);
    assert.equal(((await admin('GET', `/role/${id}`)).body as { role: { name: string; can_delete_executions: boolean } }).role.can_delete_executions, true);

    assert.equal((await admin('POST', `/user/${ids.bob}`, { role_id: id })).status, 201);
    assert.equal((await admin('DELETE', `/role/${id}`)).status, 204);
    assert.equal((await userRow(ids.bob!))!.role_id, ids['role:user']);
    assert.equal((await admin('GET', `/role/${id}`)).status, 404);
  });

  void it('protects the admin role, and the user and guest roles logins refer to by name', async () => {
    for (const body of [{ can_change_config: false }, { name: 'boss' }]) {
      const reply = await admin('POST', `/role/${ids['role:admin']}`, body);
      assert.equal(reply.status, 403, JSON.stringify(body));
      assert.equal((reply.body as ErrorBody).error.code, 'protected');
    }
    assert.equal((await admin('DELETE', `/role/${ids['role:admin']}`)).status, 403);
    assert.equal((await admin('DELETE', `/role/${ids['role:user']}`)).status, 403);
    assert.equal((await admin('DELETE', `/role/${ids['role:guest']}`)).status, 403);
    assert.equal((await admin('POST', `/role/${ids['role:guest']}`, { name: 'visitor' })).status, 403);
    assert.equal((await admin('POST', `/role/${ids['role:user']}`, { can_see_status: true })).status, 201, 'capabilities may change');
    assert.equal((await admin('POST', `/role/${ids['role:user']}`, { can_see_status: false })).status, 201);
    const admins = await stack.pool.query('SELECT * FROM role WHERE name = \'admin\' AND can_change_config');
    assert.equal(admins.rowCount, 1);
  });

  void it('creates users with the original fields, fs_uid -1 meaning the next free one', async () => {
    const body = { username: 'ivan', email: 'ivan@zoe.test', role_id: ids['role:user'], quota_id: ids['quota:default'], auth_source: 'internal', fs_uid: -1, password: 'ivan-pass-1' };
    const created = await admin('POST', '/user', body);
    assert.equal(created.status, 201);
    const id = (created.body as { user_id: number }).user_id;
    const max = (await stack.pool.query<{ m: number }>('SELECT MAX(fs_uid) AS m FROM "user" WHERE id <> $1', [id])).rows[0]!.m;
    const { user } = (await admin('GET', `/user/${id}`)).body as { user: Record<string, unknown> };
    assert.deepEqual(user, {
      id, username: 'ivan', fs_uid: Math.max(max, 999) + 1, email: 'ivan@zoe.test', priority: 0, enabled: true,
      auth_source: 'internal', quota_id: ids['quota:default'], role_id: ids['role:user'],
    });
    assert.match((await userRow(id))!.password!, /^scrypt\$/, 'stored hashed');
    assert.equal((await caller(stack.apiUrl, 'ivan', 'ivan-pass-1')('GET', '/login')).status, 200);

    const { password: _password, ...withoutPassword } = body;
    assert.equal((await admin('POST', '/user', { ...withoutPassword, username: 'ivan' })).status, 409);
    for (const field of ['username', 'email', 'role_id', 'quota_id', 'auth_source', 'fs_uid']) {
      const partial: Record<string, unknown> = { ...withoutPassword, username: 'jane' };
      delete partial[field];
      const reply = await admin('POST', '/user', partial);
      assert.equal(reply.status, 400, `without ${field}`);
      assert.equal((reply.body as ErrorBody).error.field, field);
    }
    assert.equal((await admin('POST', '/user', { ...withoutPassword, username: 'jane', role_id: 999 })).status, 404);
    assert.equal((await admin('POST', '/user', { ...withoutPassword, username: 'jane', quota_id: 999 })).status, 404);
    assert.equal((await admin('POST', '/user', { ...withoutPassword, username: 'jane', auth_source: 'pam' })).status, 400);
    assert.equal((await admin('POST', '/user', { ...withoutPassword, username: 'jane', auth_source: 'ldap+sasl' })).status, 201);
    assert.equal((await admin('POST', '/user', { ...withoutPassword, username: 'j ane' })).status, 400);
    assert.equal((await admin('POST', '/user', { ...withoutPassword, username: 'kim', auth_source: 'ldap', password: 'kim-pass-1' })).status, 400,
      'a password only for internal users');
    assert.equal((await alice('POST', '/user', { ...withoutPassword, username: 'kim' })).status, 403);
  });

  void it('lists users with the original filters, for admins only', async () => {
    const all = await admin('GET', '/user');
    assert.equal(all.status, 200);
    const users = all.body as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(users[String(ids.alice)]!).sort(), USER_KEYS);
    assert.equal(users[String(ids.alice)]!.username, 'alice');
    assert.ok(Object.values(users).every((u) => !('password' in u)));
    const names = async (query: string) => Object.values((await admin('GET', `/user?${query}`)).body as Record<string, { username: string }>).map((u) => u.username).sort();
    assert.deepEqual(await names('username=alice'), ['alice']);
    assert.deepEqual(await names('auth_source=textfile'), ['alice', 'bob']);
    assert.deepEqual(await names(`role_id=${ids['role:admin']}`), ['admin']);
    assert.deepEqual(await names('enabled=False'), []);
    assert.equal((await admin('GET', '/user?enabled=maybe')).status, 400);
    assert.equal((await admin('GET', '/user?password=x')).status, 400);
    assert.equal((await alice('GET', '/user')).status, 403);
  });

  void it('lets users read and change only their own e-mail; admins change the rest', async () => {
    assert.equal((await alice('GET', `/user/${ids.alice}`)).status, 200);
    assert.equal((await alice('GET', `/user/${ids.bob}`)).status, 403);
    assert.equal((await alice('GET', '/user/99999')).status, 403, 'no hint whether it exists');
    assert.equal((await admin('GET', '/user/99999')).status, 404);

    assert.equal((await alice('POST', `/user/${ids.alice}`, { email: 'alice@zoe.test' })).status, 201);
    assert.equal((await userRow(ids.alice!))!.email, 'alice@zoe.test');
    for (const body of [{ role_id: ids['role:admin'] }, { quota_id: ids['quota:default'], email: 'a@b.c' }, { enabled: false }, { priority: 5 }]) {
      const reply = await alice('POST', `/user/${ids.alice}`, body);
      assert.equal(reply.status, 403, JSON.stringify(body));
    }
    assert.equal((await userRow(ids.alice!))!.role_id, ids['role:user'], 'no escalation');
    assert.equal((await alice('POST', `/user/${ids.bob}`, { email: 'evil@zoe.test' })).status, 403);
    assert.equal((await alice('POST', `/user/${ids.alice}`, { email: 'alice@zoe.test', admin: true })).status, 400, 'unknown field');

    assert.equal((await admin('POST', `/user/${ids.bob}`, { priority: 3, fs_uid: 4242, email: null })).status, 201);
    const { user } = (await admin('GET', `/user/${ids.bob}`)).body as { user: { priority: number; fs_uid: number; email: null } };
    assert.deepEqual([user.priority, user.fs_uid, user.email], [3, 4242, null]);
    assert.equal((await admin('POST', `/user/${ids.bob}`, { role_id: 999 })).status, 404);
  });

  void it('clears the password of a user moved to another auth source', async () => {
    const id = await idOf('user', 'ivan');
    assert.equal((await admin('POST', `/user/${id}`, { auth_source: 'textfile' })).status, 201);
    assert.equal((await userRow(id))!.password, null);
    assert.equal((await caller(stack.apiUrl, 'ivan', 'ivan-pass-1')('GET', '/login')).status, 401);
    assert.equal((await admin('POST', `/user/${id}`, { password: 'ivan-pass-9' })).status, 400, 'not internal');
    assert.equal((await admin('POST', `/user/${id}`, { auth_source: 'internal', password: 'ivan-pass-9' })).status, 201);
    assert.equal((await caller(stack.apiUrl, 'ivan', 'ivan-pass-9')('GET', '/login')).status, 200);
  });

  void it('deletes a user with the records of its executions, never the admin nor a user with active executions', async () => {
    const deleted = await admin('DELETE', `/user/${ids.admin}`);
    assert.equal(deleted.status, 403);
    assert.equal((deleted.body as ErrorBody).error.code, 'protected');
    assert.equal((await admin('POST', `/user/${ids.admin}`, { email: 'root@zoe.test' })).status, 201, 'it can still be edited');

    const id = await idOf('user', 'ivan');
    const insert = (status: string) => stack.pool.query<{ id: number }>(
      `INSERT INTO execution (name, user_id, description, status, size, time_submit) VALUES ('x', $1, '{}', $2, 1, now()) RETURNING id`, [id, status]);
    const ended = (await insert('terminated')).rows[0]!.id;
    await stack.pool.query(`INSERT INTO service (status, description, execution_id, service_group, name) VALUES ('terminated', '{}', $1, 'web', 'web0')`, [ended]);
    const active = (await insert('running')).rows[0]!.id;

    const refused = await admin('DELETE', `/user/${id}`);
    assert.equal(refused.status, 409);
    assert.match((refused.body as ErrorBody).error.message, new RegExp(`active executions \\(${active}\\)`));
    assert.equal((await userRow(id)) !== undefined, true, 'still there');

    await stack.pool.query(`UPDATE execution SET status = 'terminated' WHERE id = $1`, [active]);
    assert.equal((await alice('DELETE', `/user/${id}`)).status, 403);
    assert.equal((await admin('DELETE', `/user/${id}`)).status, 204);
    assert.equal(await userRow(id), undefined);
    assert.equal((await stack.pool.query('SELECT 1 FROM execution WHERE user_id = $1', [id])).rowCount, 0);
    assert.equal((await stack.pool.query('SELECT 1 FROM service WHERE execution_id = $1', [ended])).rowCount, 0);
    assert.equal((await admin('DELETE', `/user/${id}`)).status, 404);
  });

  void it('lists the DNS names of an execution\'s services by group, for its owner and admins only', async () => {
    const execution = (await stack.pool.query<{ id: number }>(
      `INSERT INTO execution (name, user_id, description, status, size, time_submit) VALUES ('spark', $1, '{}', 'terminated', 1, now()) RETURNING id`,
      [ids.alice])).rows[0]!.id;
    for (const [group, name] of [['master', 'master0'], ['worker', 'worker0'], ['worker', 'worker1']]) {
      await stack.pool.query(`INSERT INTO service (status, description, execution_id, service_group, name) VALUES ('terminated', '{}', $1, $2, $3)`,
        [execution, group, name]);
    }
    const dns = (name: string) => `${name}-${execution}-${stack.config.deployment}`;
    const workers = await alice('GET', `/discovery/by_group/${execution}/worker`);
    assert.equal(workers.status, 200);
    assert.deepEqual(workers.body, { service_type: 'worker', execution_id: execution, dns_names: [dns('worker0'), dns('worker1')] });
    const all = await admin('GET', `/discovery/by_group/${execution}/all`);
    assert.deepEqual((all.body as { dns_names: string[] }).dns_names, [dns('master0'), dns('worker0'), dns('worker1')]);
    assert.deepEqual((await alice('GET', `/discovery/by_group/${execution}/nothing`)).body,
      { service_type: 'nothing', execution_id: execution, dns_names: [] });
    const theirs = await bob('GET', `/discovery/by_group/${execution}/all`);
    const missing = await bob('GET', '/discovery/by_group/999999/all');
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.body, { error: { code: 'not_found', message: `execution ${execution} not found` } });
    assert.equal(missing.status, 404);
    assert.equal((await alice('GET', '/discovery/by_group/x1/all')).status, 400);
    assert.equal((await caller(stack.apiUrl)('GET', `/discovery/by_group/${execution}/all`)).status, 401);
  });
});
