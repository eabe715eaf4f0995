// Who may do what, route by route, against the real stack: every route of the API × every kind of
// caller (nobody, wrong password, guest, user, superuser, admin) × the caller's own resource,
// someone else's and a missing one, each with the exact status. Someone else's execution, service,
// log or endpoints answer exactly as a missing id does. Then bad input on every route that takes
// it: bodies over the limit (413), malformed JSON and unknown fields (400 naming the problem),
// ids that do not parse (400).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROUTES } from '../../api/openapi.js';
import { sampleZApp, waitForStatus, caller } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

type Actor = 'anonymous' | 'intruder' | 'guest' | 'user' | 'superuser' | 'admin';
type Whose = 'own' | 'other' | 'missing';
type Kind = 'execution' | 'service' | 'terminable' | 'ended' | 'user' | 'role' | 'quota' | 'shop';
/** One status for routes without a resource; else one per entry of the row's `whose`. */
type Expect = number | number[];

interface Row {
  route: string;
  /** What the `:id` (or `:exec_id`) stands for. */
  kind?: Kind;
  whose?: Whose[];
  public?: boolean;
  user: Expect;
  superuser: Expect;
  admin: Expect;
  query?: string;
  body?: (actor: Actor) => unknown;
  /** The call changes or removes the resource: cells expected to succeed get a resource of their own. */
  fresh?: boolean;
  note?: string;
}

const LOGGED_IN: Actor[] = ['user', 'superuser', 'admin'];
const ACTORS: Actor[] = ['anonymous', 'intruder', 'guest', ...LOGGED_IN];
const CREDENTIALS: Record<Actor, [string, string] | undefined> = {
  anonymous: undefined, intruder: ['alice', 'not-her-password'], guest: ['gus', 'gus-pass'],
  user: ['alice', 'alice-pass'], superuser: ['sam', 'sam-pass'], admin: ['admin', ''],
};
/** Whose resource "someone else's" is, for each caller. */
const OTHER: Record<Actor, 'alice' | 'bob'> = { anonymous: 'alice', intruder: 'alice', guest: 'alice', user: 'bob', superuser: 'alice', admin: 'alice' };
const OWNER: Record<Actor, string> = { anonymous: 'alice', intruder: 'alice', guest: 'alice', user: 'alice', superuser: 'sam', admin: 'admin' };
const MISSING = 999_999;
const ID3: Whose[] = ['own', 'other', 'missing'];
const ERROR_CODES: Record<number, string[]> = {
  400: ['invalid_request'], 401: ['unauthorized'], 403: ['forbidden', 'protected'], 404: ['not_found'], 409: ['conflict'], 413: ['payload_too_large'],
};

/** A one-service busybox ZApp: cheap to start. */
function tinyZApp(command: string): Record<string, unknown> {
  const zapp = sampleZApp('batch');
  const service = (zapp.services as Array<Record<string, unknown>>)[0]!;
  service.command = command;
  service.environment = [];
  return zapp;
}

let unique = 0;
const fresh = (prefix: string) => `${prefix}${++unique}`;

const same = (x: number[]) => ({ user: x, superuser: x, admin: x });
const asOwnerOrAdmin = { user: [200, 404, 404], superuser: [200, 404, 404], admin: [200, 200, 404] };

const ROWS: Row[] = [
  // Public: the same for everyone, whatever credentials come along.
  { route: 'GET /info', public: true, user: 200, superuser: 200, admin: 200 },
  { route: 'GET /openapi.json', public: true, user: 200, superuser: 200, admin: 200 },
  { route: 'POST /zapp_validate', public: true, user: 200, superuser: 200, admin: 200, body: () => sampleZApp('web') },
  // Any login but a guest's.
  { route: 'GET /login', user: 200, superuser: 200, admin: 200 },
  { route: 'GET /statistics/scheduler', user: 200, superuser: 200, admin: 200 },
  { route: 'POST /execution', user: 201, superuser: 201, admin: 201, body: (a) => ({ name: `by-${a}`, application: tinyZApp('true') }) },
  { route: 'GET /execution', user: 200, superuser: 200, admin: 200 },
  // Executions and what hangs off them: the owner, or a role that operates others'.
  { route: 'GET /execution/:id', kind: 'execution', ...asOwnerOrAdmin },
  { route: 'GET /execution/endpoints/:id', kind: 'execution', ...asOwnerOrAdmin },
  { route: 'GET /execution/history/:id', kind: 'execution', ...asOwnerOrAdmin },
  { route: 'GET /service/:id', kind: 'service', ...asOwnerOrAdmin },
  { route: 'GET /service/logs/:id', kind: 'service', query: '?follow=0', ...asOwnerOrAdmin },
  { route: 'GET /discovery/by_group/:exec_id/:group', kind: 'execution', ...asOwnerOrAdmin },
  { route: 'DELETE /execution/:id', kind: 'terminable', fresh: true, user: [204, 404, 404], superuser: [204, 404, 404], admin: [204, 204, 404] },
  {
    route: 'POST /execution/restart/:id', kind: 'ended', note: 'a new execution of the caller\'s, from a copy of one it can see',
    user: [201, 404, 404], superuser: [201, 404, 404], admin: [201, 201, 404],
  },
  {
    route: 'DELETE /execution/delete/:id', kind: 'ended', fresh: true, note: 'needs can_delete_executions, checked after visibility',
    user: [403, 404, 404], superuser: [403, 404, 404], admin: [204, 204, 404],
  },
  // The shop: hidden or missing ZApps are 404; parameters need can_customize_resources.
  { route: 'GET /zapp_shop', user: 200, superuser: 200, admin: 200 },
  { route: 'GET /zapp_shop/:id', kind: 'shop', whose: ['own', 'missing'], ...same([200, 404]) },
  { route: 'GET /zapp_shop/:id/logo', kind: 'shop', whose: ['own', 'missing'], ...same([200, 404]) },
  { route: 'POST /zapp_shop/:id/start', kind: 'shop', whose: ['own', 'missing'], ...same([201, 404]), body: (a) => ({ name: `shop-${a}` }) },
  {
    route: 'POST /zapp_shop/:id/start', kind: 'shop', whose: ['own', 'missing'], note: 'with parameters',
    user: [403, 404], superuser: [201, 404], admin: [201, 404], body: (a) => ({ name: `param-${a}`, parameters: { STEPS: 1 } }),
  },
  // Users: yourself, or can_change_config (checked before anything is looked up).
  { route: 'GET /user/:id', kind: 'user', user: [200, 403, 403], superuser: [200, 403, 403], admin: [200, 200, 404] },
  { route: 'POST /user/:id', kind: 'user', user: [201, 403, 403], superuser: [201, 403, 403], admin: [201, 201, 404], body: () => ({ email: 'changed@zoe.test' }) },
  {
    route: 'POST /user/:id', kind: 'user', note: 'a field only admins may change',
    user: [403, 403, 403], superuser: [403, 403, 403], admin: [201, 201, 404], body: () => ({ priority: 1 }),
  },
  { route: 'DELETE /user/:id', kind: 'user', fresh: true, note: 'the admin user is protected', user: [403, 403, 403], superuser: [403, 403, 403], admin: [403, 204, 404] },
  { route: 'GET /user', user: 403, superuser: 403, admin: 200 },
  {
    route: 'POST /user', user: 403, superuser: 403, admin: 201,
    body: () => ({ username: fresh('made'), email: null, role_id: 3, quota_id: 1, auth_source: 'internal', fs_uid: -1 }),
  },
  // Roles and quotas: anyone logged in reads one; changes need can_change_config; admin and default are protected.
  { route: 'GET /role/:id', kind: 'role', ...same([200, 200, 404]) },
  { route: 'POST /role/:id', kind: 'role', fresh: true, user: [403, 403, 403], superuser: [403, 403, 403], admin: [403, 201, 404], body: () => ({ can_see_status: true }) },
  { route: 'DELETE /role/:id', kind: 'role', fresh: true, user: [403, 403, 403], superuser: [403, 403, 403], admin: [403, 204, 404] },
  { route: 'GET /role', user: 403, superuser: 403, admin: 200 },
  { route: 'POST /role', user: 403, superuser: 403, admin: 201, body: () => ({ name: fresh('role') }) },
  { route: 'GET /quota/:id', kind: 'quota', ...same([200, 200, 404]) },
  { route: 'POST /quota/:id', kind: 'quota', fresh: true, user: [403, 403, 403], superuser: [403, 403, 403], admin: [201, 201, 404], body: () => ({ runtime_limit: 24 }) },
  { route: 'DELETE /quota/:id', kind: 'quota', fresh: true, user: [403, 403, 403], superuser: [403, 403, 403], admin: [403, 204, 404] },
  { route: 'GET /quota', user: 403, superuser: 403, admin: 200 },
  {
    route: 'POST /quota', user: 403, superuser: 403, admin: 201,
    body: () => ({ name: fresh('quota'), concurrent_executions: 1, memory: 0, cores: 0, runtime_limit: 0 }),
  },
  // Last: the admin's own cell ends the admin's running execution.
  {
    route: 'DELETE /user/:id/executions', kind: 'user', fresh: true, note: 'needs can_operate_others, checked before the user is looked up',
    user: [403, 403, 403], superuser: [403, 403, 403], admin: [200, 200, 404],
  },
];

interface Raw { status: number; reason: string; text: string; json: unknown }

void describe('the authorisation matrix', () => {
  let stack: TestStack;
  const userIds: Record<string, number> = {};
  const running: Record<string, { id: number; service: number }> = {};
  const ended: Record<string, number> = {};
  let roles: Record<string, number> = {};
  let quotas: Record<string, number> = {};
  const started: number[] = [];

  /** One request as `who` (an actor, or explicit credentials); the body parsed when it is JSON. */
  async function call(who: Actor | [string, string], method: string, path: string, body?: unknown, raw?: string): Promise<Raw> {
    const headers: Record<string, string> = {};
    const credentials = Array.isArray(who) ? who : who === 'admin' ? ['admin', stack.adminPassword] : CREDENTIALS[who];
    if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials[0]}:${credentials[1]}`).toString('base64')}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = response.headers.get('content-type')?.startsWith('image/') ? '' : await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, reason: response.statusText, text, json };
  }
  const ownerLogin = (name: string): Actor | [string, string] =>
    (name === 'bob' ? ['bob', 'bob-pass'] : name === 'sam' ? 'superuser' : name === 'admin' ? 'admin' : 'user');

  async function submitAs(owner: string, command: string): Promise<number> {
    const reply = await call(ownerLogin(owner), 'POST', '/execution', { name: `${owner}-${command.split(' ')[0]}`, application: tinyZApp(command) });
    assert.equal(reply.status, 201, `${owner} submits: ${reply.text}`);
    const id = (reply.json as { execution_id: number }).execution_id;
    started.push(id);
    return id;
  }
  const admin = () => caller(stack.apiUrl, 'admin', stack.adminPassword);
  const wait = (id: number, until: (s: string) => boolean) => waitForStatus(admin(), id, until, 90_000);
  const isEnded = (s: string) => s === 'terminated' || s === 'error';

  async function endedExecution(owner: string): Promise<number> {
    const id = await submitAs(owner, 'true');
    await wait(id, isEnded);
    return id;
  }

  before(async () => {
    stack = await startTestStack({ users: 'alice,alice-pass,user\nbob,bob-pass,user\ngus,gus-pass,guest\nsam,sam-pass,superuser\n' });
    // The matrix starts many executions at once: concurrency is not what it tests.
    await stack.pool.query("UPDATE quota SET concurrent_executions = 0 WHERE name = 'default'");
    for (const [name, pass] of [['alice', 'alice-pass'], ['bob', 'bob-pass'], ['sam', 'sam-pass'], ['admin', stack.adminPassword]] as const) {
      const login = await caller(stack.apiUrl, name, pass)('GET', '/login');
      assert.equal(login.status, 200);
      userIds[name] = (login.body as { user: { id: number } }).user.id;
    }
    const byName = <T extends { id: number; name: string }>(map: unknown) =>
      Object.fromEntries(Object.values(map as Record<string, T>).map((r) => [r.name, r.id]));
    roles = byName((await admin()('GET', '/role')).body);
    const spare = await admin()('POST', '/quota', { name: 'spare', concurrent_executions: 1, memory: 0, cores: 0, runtime_limit: 0 });
    assert.equal(spare.status, 201);
    quotas = byName((await admin()('GET', '/quota')).body);

    const owners = ['alice', 'bob', 'sam', 'admin'];
    const ids = await Promise.all(owners.map((owner) => submitAs(owner, 'sleep 3600')));
    const endedIds = await Promise.all(owners.map((owner) => endedExecution(owner)));
    for (const [i, owner] of owners.entries()) {
      const execution = await wait(ids[i]!, (s) => s === 'running' || isEnded(s));
      assert.equal(execution.status, 'running', `${owner}'s execution runs: ${execution.error_message}`);
      running[owner] = { id: ids[i]!, service: (execution.services as number[])[0]! };
      ended[owner] = endedIds[i]!;
    }
  });

  after(async () => {
    const active = await stack.pool.query<{ id: number }>("SELECT id FROM execution WHERE status NOT IN ('terminated', 'error')");
    await Promise.all(active.rows.map((r) => admin()('DELETE', `/execution/${r.id}`)));
    await Promise.all(active.rows.map((r) => wait(r.id, isEnded)));
    await stack.stop();
  });

  /** The id a cell acts on. */
  async function target(kind: Kind, actor: Actor, whose: Whose, succeeds: boolean, isFresh: boolean): Promise<string> {
    if (kind === 'shop') return whose === 'missing' ? 'nothere-0' : 'batch-0';
    if (whose === 'missing') return String(MISSING);
    const owner = whose === 'own' ? OWNER[actor] : OTHER[actor];
    const renew = isFresh && succeeds;
    switch (kind) {
      case 'execution': return String(running[owner]!.id);
      case 'service': return String(running[owner]!.service);
      case 'terminable': return String(renew ? await submitAs(owner, 'sleep 3600') : running[owner]!.id);
      case 'ended': return String(renew ? await endedExecution(owner) : ended[owner]!);
      case 'user': {
        if (!renew || whose === 'own') return String(userIds[owner]!);
        const made = await admin()('POST', '/user', { username: fresh('victim'), email: null, role_id: roles.user, quota_id: quotas.default, auth_source: 'internal', fs_uid: -1 });
        return String((made.body as { user_id: number }).user_id);
      }
      case 'role': {
        if (whose === 'own') return String(roles[actor === 'admin' ? 'admin' : actor === 'superuser' ? 'superuser' : 'user']!);
        if (!renew) return String(roles.guest!);
        return String(((await admin()('POST', '/role', { name: fresh('scratch') })).body as { role_id: number }).role_id);
      }
      case 'quota': {
        if (whose === 'own') return String(quotas.default!);
        if (!renew) return String(quotas.spare!);
        const made = await admin()('POST', '/quota', { name: fresh('scratch'), concurrent_executions: 1, memory: 0, cores: 0, runtime_limit: 0 });
        return String((made.body as { quota_id: number }).quota_id);
      }
    }
  }

  /** Every cell of a row: [what, expected, actual, detail] for each mismatch. */
  async function runRow(row: Row): Promise<string[]> {
    const [method, template] = row.route.split(' ') as [string, string];
    const mismatches: string[] = [];
    for (const actor of ACTORS) {
      const variants: Array<Whose | undefined> = row.kind ? (row.whose ?? ID3) : [undefined];
      for (const [i, whose] of variants.entries()) {
        // Nobody, a wrong password and a guest own nothing: their "own" is alice's.
        if ((actor === 'anonymous' || actor === 'intruder' || actor === 'guest') && whose === 'own' && row.kind !== 'shop') continue;
        const expected = actor === 'anonymous' || actor === 'intruder' ? (row.public ? row.user : 401)
          : actor === 'guest' ? (row.public ? row.user : 403) : row[actor];
        const status = Array.isArray(expected) ? expected[i]! : expected;
        const id = row.kind ? await target(row.kind, actor, whose!, status < 300, row.fresh ?? false) : '';
        const path = template.replace(/:(id|exec_id)/, id).replace(':group', 'all') + (row.query ?? '');
        const reply = await call(actor, method, path, row.body?.(actor));
        if (reply.status === 201 && (template === '/execution' || template.endsWith('/start') || template.startsWith('/execution/restart/'))) started.push((reply.json as { execution_id: number }).execution_id);
        const code = (reply.json as { error?: { code?: string } } | undefined)?.error?.code;
        const wrongCode = reply.status >= 400 && !ERROR_CODES[reply.status]?.includes(code ?? '');
        if (reply.status !== status || wrongCode) {
          mismatches.push(`${actor} ${whose ?? ''} ${method} ${path}: expected ${status}, got ${reply.status} ${reply.text.slice(0, 160)}`);
        }
      }
    }
    return mismatches;
  }

  for (const row of ROWS) {
    void it(`${row.route}${row.note ? ` (${row.note})` : ''}`, async () => {
      assert.deepEqual(await runRow(row), []);
    });
  }

  void it('covers every route the API serves', () => {
    const documented = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    assert.deepEqual([...new Set(ROWS.map((r) => r.route))].sort(), documented);
  });

  void it('answers someone else\'s execution, service, log and endpoints exactly as a missing id', async () => {
    const alice = running.alice!;
    const cases: Array<[string, string, number, string]> = [
      ['GET', '/execution/ID', alice.id, ''], ['DELETE', '/execution/ID', alice.id, ''], ['DELETE', '/execution/delete/ID', ended.alice!, ''],
      ['GET', '/execution/endpoints/ID', alice.id, ''], ['GET', '/execution/history/ID', alice.id, ''], ['POST', '/execution/restart/ID', ended.alice!, ''],
      ['GET', '/service/ID', alice.service, ''], ['GET', '/service/logs/ID', alice.service, '?follow=0'], ['GET', '/discovery/by_group/ID/all', alice.id, ''],
    ];
    for (const [method, template, theirs, query] of cases) {
      for (const actor of ['superuser'] as Actor[]) {
        const other = await call(actor, method, template.replace('ID', String(theirs)) + query);
        const missing = await call(actor, method, template.replace('ID', String(MISSING)) + query);
        const normalise = (r: Raw, id: number) => ({ status: r.status, reason: r.reason.replace(String(id), 'N'), text: r.text.replace(String(id), 'N') });
        assert.equal(other.status, 404, `${method} ${template}`);
        assert.deepEqual(normalise(other, theirs), normalise(missing, MISSING), `${method} ${template}`);
      }
    }
    const bob = caller(stack.apiUrl, 'bob', 'bob-pass');
    const theirs = await bob('GET', `/execution/${alice.id}`);
    assert.deepEqual(theirs.body, { error: { code: 'not_found', message: `execution ${alice.id} not found` } });
    assert.deepEqual((await bob('GET', `/service/${alice.service}`)).body, { error: { code: 'not_found', message: `service ${alice.service} not found` } });
    assert.equal((await call('admin', 'GET', `/execution/${alice.id}`)).status, 200, 'it does exist');
  });

  void it('lists only the caller\'s executions unless the role operates others\'', async () => {
    const owners = async (actor: Actor, query = '') => {
      const reply = await call(actor, 'GET', `/execution${query}`);
      assert.equal(reply.status, 200);
      return [...new Set(Object.values(reply.json as Record<string, { user_id: number }>).map((e) => e.user_id))].sort();
    };
    assert.deepEqual(await owners('user'), [userIds.alice]);
    assert.deepEqual(await owners('user', `?user_id=${userIds.bob}`), [userIds.alice], 'a user cannot ask for someone else\'s');
    assert.deepEqual(await owners('superuser'), [userIds.sam]);
    assert.deepEqual(await owners('admin', `?user_id=${userIds.bob}`), [userIds.bob]);
    assert.deepEqual(await owners('admin'), [userIds.alice, userIds.bob, userIds.sam, userIds.admin].sort());
  });

  void it('shows the shop\'s problems to roles with the full shop only', async () => {
    const hasProblems = async (actor: Actor) => Object.keys((await call(actor, 'GET', '/zapp_shop')).json as object).includes('problems');
    assert.deepEqual([await hasProblems('user'), await hasProblems('superuser'), await hasProblems('admin')], [false, true, true]);
  });

  void describe('bad input', () => {
    const LIMIT = 1024 * 1024;
    /** Every route that reads a body, with a valid body to spoil, as one who may call it. */
    const bodyRoutes = (): Array<[Actor, string, string, Record<string, unknown>]> => [
      ['anonymous', 'POST', '/zapp_validate', sampleZApp('web')],
      ['user', 'POST', '/execution', { name: 'x', application: tinyZApp('true') }],
      ['user', 'POST', '/zapp_shop/batch-0/start', { name: 'x' }],
      ['user', 'POST', `/user/${userIds.alice}`, { email: 'a@zoe.test' }],
      ['admin', 'POST', '/user', { username: 'spoilt', email: null, role_id: roles.user, quota_id: quotas.default, auth_source: 'internal', fs_uid: -1 }],
      ['admin', 'POST', `/role/${roles.guest}`, { can_see_status: false }],
      ['admin', 'POST', '/role', { name: 'spoilt' }],
      ['admin', 'POST', `/quota/${quotas.spare}`, { cores: 1 }],
      ['admin', 'POST', '/quota', { name: 'spoilt', concurrent_executions: 1, memory: 0, cores: 0, runtime_limit: 0 }],
    ];
    const nothingNew = async <T>(work: () => Promise<T>): Promise<T> => {
      const count = async () => (await stack.pool.query<{ n: string }>(
        'SELECT (SELECT count(*) FROM execution) + (SELECT count(*) FROM "user") + (SELECT count(*) FROM role) + (SELECT count(*) FROM quota) AS n')).rows[0]!.n;
      const before = await count();
      const result = await work();
      assert.equal(await count(), before, 'nothing was created');
      return result;
    };

    void it('refuses bodies over 1 MiB with 413, declared or streamed, and accepts one of exactly 1 MiB', async () => {
      await nothingNew(async () => {
        for (const [actor, method, path, body] of bodyRoutes()) {
          const text = JSON.stringify(body);
          const over = text.slice(0, -1) + ' '.repeat(LIMIT + 1 - text.length) + '}';
          const reply = await call(actor, method, path, undefined, over);
          assert.equal(reply.status, 413, `${method} ${path}`);
          assert.deepEqual(reply.json, { error: { code: 'payload_too_large', message: `the request body is larger than ${LIMIT} bytes` } });
        }
      });
      // Without a Content-Length the server counts what arrives.
      const chunks = [new TextEncoder().encode('{"name": "x", "application": "'), new Uint8Array(LIMIT).fill(0x61), new TextEncoder().encode('"}')];
      const stream = new ReadableStream<Uint8Array>({ pull(controller) { const next = chunks.shift(); if (next) controller.enqueue(next); else controller.close(); } });
      const streamed = await fetch(`${stack.apiUrl}/execution`, {
        method: 'POST', body: stream, duplex: 'half',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('alice:alice-pass').toString('base64')}` },
      });
      assert.equal(streamed.status, 413);
      const exact = JSON.stringify(sampleZApp('web'));
      const padded = exact.slice(0, -1) + ' '.repeat(LIMIT - exact.length) + '}';
      assert.equal(Buffer.byteLength(padded), LIMIT);
      assert.equal((await call('anonymous', 'POST', '/zapp_validate', undefined, padded)).status, 200, 'exactly the limit is accepted');
    });

    void it('refuses malformed JSON with 400 saying what and where, on every route that reads a body', async () => {
      await nothingNew(async () => {
        for (const [actor, method, path] of bodyRoutes()) {
          for (const [raw, problem] of [['{"name": "x",', /line 1, column 14/], ['{"name": \'x\'}', /line 1, column 10/], ['', /empty|line 1, column 1/]] as const) {
            const reply = await call(actor, method, path, undefined, raw);
            const error = (reply.json as { error: { code: string; message: string } }).error;
            assert.equal(reply.status, 400, `${method} ${path} ${raw}`);
            assert.equal(error.code, 'invalid_request');
            assert.match(error.message, /JSON|empty/, `${method} ${path}: ${error.message}`);
            assert.match(error.message, problem, `${method} ${path}: ${error.message}`);
          }
        }
      });
    });

    void it('refuses unknown fields with 400 naming them, in bodies and in query strings', async () => {
      await nothingNew(async () => {
        for (const [actor, method, path, body] of bodyRoutes()) {
          if (path === '/zapp_validate') body.surplus_field = 1;
          const reply = await call(actor, method, path, path === '/zapp_validate' ? body : { ...body, surplus_field: 1 });
          assert.equal(reply.status, 400, `${method} ${path}: ${reply.text}`);
          assert.match(reply.text, /surplus_field/, `${method} ${path} names the field`);
        }
        for (const path of ['/execution', '/user', '/role', '/quota']) {
          const reply = await call('admin', 'GET', `${path}?surplus_field=1`);
          assert.equal(reply.status, 400, `GET ${path}`);
          assert.match(reply.text, /surplus_field/, `GET ${path} names the parameter`);
        }
      });
    });

    void it('refuses ids that do not parse with 400 naming the id, on every route that takes one', async () => {
      const withIds = ROUTES.filter((r) => r.path.includes(':'));
      assert.ok(withIds.length >= 20);
      for (const route of withIds) {
        const shop = route.path.startsWith('/zapp_shop/');
        const bad = shop ? ['UPPER-0', 'no-index', '-0', 'a%20b-0', '..-0'] : ['abc', '0', '-1', '1.5', '1e3', '0x10', '2147483648', '99999999999', '%20'];
        for (const id of bad) {
          const path = route.path.replace(/:(id|exec_id)/, id).replace(':group', 'all');
          const reply = await call('admin', route.method.toUpperCase(), path, route.body ? {} : undefined);
          assert.equal(reply.status, 400, `${route.method} ${path}: ${reply.text}`);
          const error = (reply.json as { error: { code: string; field?: string } }).error;
          assert.deepEqual([error.code, error.field], ['invalid_request', route.path.includes(':exec_id') ? 'exec_id' : 'id'], `${route.method} ${path}`);
        }
      }
    });

    void it('refuses to terminate an execution that has ended, and to delete one that is active', async () => {
      const notRunning = await call('user', 'DELETE', `/execution/${ended.alice!}`);
      assert.equal(notRunning.status, 400);
      assert.match(notRunning.text, /Execution is not running/);
      const active = await call('admin', 'DELETE', `/execution/delete/${running.alice!.id}`);
      assert.equal(active.status, 400);
      assert.match(active.text, /Cannot delete an active execution/);
    });
  });
});
