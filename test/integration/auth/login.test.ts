// Logins against the real API: refusals that say nothing about why (same status, body, reason
// phrase and headers, in about the same time), and the session cookie of GET /login: signed,
// HttpOnly, expiring, and useless once its user is disabled or its password changed.
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sessionSecret, sessionValue, SESSION_LIFETIME_SECONDS } from '../../../api/session.js';
import { findUser } from '../../../users/repository.js';
import { caller, type Caller } from '../../helpers/api.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

interface Raw { status: number; reason: string; body: string; headers: Headers }

void describe('logins and session cookies', () => {
  let stack: TestStack;
  let admin: Caller;

  async function raw(path: string, headers: Record<string, string>): Promise<Raw> {
    const response = await fetch(`${stack.apiUrl}${path}`, { headers });
    return { status: response.status, reason: response.statusText, body: await response.text(), headers: response.headers };
  }
  const login = async (user: string, pass: string): Promise<string> => {
    const reply = await raw('/login', { authorization: basic(user, pass) });
    assert.equal(reply.status, 200, `${user} logs in`);
    const cookie = /^zoe=([^;]+)/.exec(reply.headers.get('set-cookie') ?? '')?.[1];
    assert.ok(cookie, 'a zoe cookie is set');
    return cookie;
  };
  const withCookie = (value: string, path = '/execution') => raw(path, { cookie: `zoe=${value}` });
  const userId = async (name: string) => (await findUser(stack.pool, name))!.id;

  before(async () => {
    stack = await startTestStack();
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
    const created = await admin('POST', '/user', {
      username: 'ivan', email: 'ivan@zoe.test', role_id: 3, quota_id: 1, auth_source: 'internal', fs_uid: -1, password: 'ivan-pass-1',
    });
    assert.equal(created.status, 201);
    const dora = await admin('POST', '/user', {
      username: 'dora', email: null, role_id: 3, quota_id: 1, auth_source: 'internal', fs_uid: -1, password: 'dora-pass-1',
    });
    assert.equal((await admin('POST', `/user/${(dora.body as { user_id: number }).user_id}`, { enabled: false })).status, 201);
  });
  after(() => stack.stop());

  void it('refuses a wrong password, an unknown user and a disabled user with identical 401 replies', async () => {
    const cases = {
      'wrong password (internal)': ['ivan', 'not-his-password'],
      'wrong password (text file)': ['alice', 'not-her-password'],
      'unknown user': ['nobody', 'whatever-pass'],
      'disabled user, right password': ['dora', 'dora-pass-1'],
    };
    const replies = await Promise.all(Object.entries(cases).map(async ([what, [user, pass]]) => [what, await raw('/login', { authorization: basic(user!, pass!) })] as const));
    for (const [what, reply] of replies) {
      assert.equal(reply.status, 401, what);
      assert.equal(reply.body, replies[0]![1].body, `${what}: same body`);
      assert.equal(reply.reason, replies[0]![1].reason, `${what}: same reason phrase`);
      assert.equal(reply.headers.get('www-authenticate'), 'Basic realm="zoe"', what);
      assert.equal(reply.headers.get('set-cookie'), null, `${what}: no cookie`);
    }
    assert.deepEqual(JSON.parse(replies[0]![1].body), { error: { code: 'unauthorized', message: 'invalid username or password' } });
    // The right password of an enabled user works: the refusals above are about the credentials.
    assert.equal((await raw('/login', { authorization: basic('ivan', 'ivan-pass-1') })).status, 200);
  });

  void it('takes about the same time to refuse an unknown user, a wrong password and a disabled user', async () => {
    const kinds: Array<[string, string, string]> = [
      ['unknown user', 'nobody', 'whatever-pass'],
      ['wrong password (scrypt hash)', 'ivan', 'not-his-password'],
      ['wrong password (plaintext file)', 'alice', 'not-her-password'],
      ['disabled user', 'dora', 'dora-pass-1'],
    ];
    const times = new Map<string, number[]>(kinds.map(([k]) => [k, []]));
    for (let round = 0; round < 9; round++) {
      for (const [kind, user, pass] of kinds) {
        const started = process.hrtime.bigint();
        assert.equal((await raw('/login', { authorization: basic(user, pass) })).status, 401);
        times.get(kind)!.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    const medians = Object.fromEntries([...times].map(([k, list]) => [k, median(list)]));
    const values = Object.values(medians);
    // Each refusal costs one scrypt computation (tens of ms); a lookup alone would take about 1 ms.
    assert.ok(Math.max(...values) / Math.min(...values) < 2, `medians (ms): ${JSON.stringify(medians)}`);
  });

  void it('sets a signed, HttpOnly, expiring session cookie at login, which then stands for the login', async () => {
    const reply = await raw('/login', { authorization: basic('alice', 'alice-pass') });
    assert.equal(reply.status, 200);
    assert.equal((JSON.parse(reply.body) as { user: { username: string } }).user.username, 'alice');
    const header = reply.headers.get('set-cookie')!;
    assert.match(header, /^zoe=[1-9][0-9]*\.[0-9]+\.[A-Za-z0-9_-]{43}; /);
    assert.match(header, /; httponly/i);
    assert.match(header, /; samesite=lax/i);
    assert.match(header, /; path=\//i);
    const expires = Date.parse(/; expires=([^;]+)/i.exec(header)![1]!);
    const lifetime = (expires - Date.now()) / 1000;
    assert.ok(Math.abs(lifetime - SESSION_LIFETIME_SECONDS) < 120, `expires in ${lifetime} s`);

    const cookie = /^zoe=([^;]+)/.exec(header)![1]!;
    const mine = await withCookie(cookie);
    assert.equal(mine.status, 200);
    const who = await withCookie(cookie, '/login');
    assert.equal((JSON.parse(who.body) as { user: { username: string } }).user.username, 'alice');
  });

  void it('refuses a tampered, forged or expired cookie', async () => {
    const cookie = await login('alice', 'alice-pass');
    const [id, expires, mac] = cookie.split('.') as [string, string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const adminId = await userId('admin');
    const attempts = {
      'another user id': `${adminId}.${expires}.${mac}`,
      'a later expiry': `${id}.${Number(expires) + 86_400}.${mac}`,
      'an altered mac': `${id}.${expires}.${flip(mac, 10)}`,
      'garbage': 'not-a-session',
      'empty': '',
    };
    for (const [what, value] of Object.entries(attempts)) {
      const reply = await withCookie(value);
      assert.equal(reply.status, 401, what);
      assert.equal((JSON.parse(reply.body) as { error: { code: string } }).error.code, 'unauthorized', what);
    }
    const alice = (await findUser(stack.pool, 'alice'))!;
    const secret = sessionSecret(stack.config);
    const past = Math.floor(Date.now() / 1000) - 1;
    assert.equal((await withCookie(sessionValue(stack.config, alice, past))).status, 401, 'expired');
    const otherKey = { ...stack.config, cookieSecret: 'some-other-secret-of-this-length' };
    assert.equal((await withCookie(sessionValue(otherKey, alice, past + 3600))).status, 401, 'signed with another key');
    // Control: the same construction with this deployment's key and a future expiry is accepted.
    assert.equal((await withCookie(sessionValue(stack.config, alice, past + 3600))).status, 200, 'well signed');
    assert.ok(secret.length >= 32);
  });

  void it('keeps a random per-deployment key in the data directory when ZOE_COOKIE_SECRET is unset', () => {
    const file = join(stack.config.dataDir, `session-secret-${stack.config.deployment}`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(stack.config.cookieSecret, undefined);
  });

  void it('stops honouring the cookies of a disabled user, and of a user whose password changed', async () => {
    const aliceCookie = await login('alice', 'alice-pass');
    const aliceId = await userId('alice');
    assert.equal((await admin('POST', `/user/${aliceId}`, { enabled: false })).status, 201);
    try {
      assert.equal((await withCookie(aliceCookie)).status, 401);
      assert.equal((await raw('/login', { authorization: basic('alice', 'alice-pass') })).status, 401);
    } finally {
      assert.equal((await admin('POST', `/user/${aliceId}`, { enabled: true })).status, 201);
    }
    assert.equal((await withCookie(aliceCookie)).status, 200, 'enabled again: the cookie works again');

    const ivanCookie = await login('ivan', 'ivan-pass-1');
    assert.equal((await withCookie(ivanCookie)).status, 200);
    assert.equal((await admin('POST', `/user/${await userId('ivan')}`, { password: 'ivan-pass-2' })).status, 201);
    assert.equal((await withCookie(ivanCookie)).status, 401, 'password changed');
    assert.equal((await raw('/login', { authorization: basic('ivan', 'ivan-pass-2') })).status, 200);
  });

  void it('lets HTTP Basic credentials decide when a cookie comes along', async () => {
    const cookie = await login('alice', 'alice-pass');
    const reply = await raw('/execution', { cookie: `zoe=${cookie}`, authorization: basic('alice', 'wrong-pass') });
    assert.equal(reply.status, 401);
  });

  void it('refuses the cookie on requests that other sites\' pages make', async () => {
    const cookie = await login('alice', 'alice-pass');
    const own = new URL(stack.apiUrl).origin;
    assert.equal((await raw('/execution', { cookie: `zoe=${cookie}`, origin: own })).status, 200, 'Zoe\'s own pages');
    for (const origin of ['http://127.0.0.1:1', 'http://evil.example', 'null']) {
      assert.equal((await raw('/execution', { cookie: `zoe=${cookie}`, origin })).status, 401, origin);
    }
    assert.equal((await raw('/execution', { authorization: basic('alice', 'alice-pass'), origin: 'http://evil.example' })).status, 200,
      'explicit credentials are not attached by browsers on their own');
  });

  void it('keeps guests off the API with or without a cookie', async () => {
    assert.equal((await raw('/login', { authorization: basic('gus', 'gus-pass') })).status, 403);
    const gus = (await findUser(stack.pool, 'gus'))!;
    assert.equal(gus.auth_source, 'textfile');
    const forged = sessionValue(stack.config, gus, Math.floor(Date.now() / 1000) + 3600);
    assert.equal((await withCookie(forged)).status, 403);
  });

  void it('takes the role of a text-file user from the file at each login, and refuses a role that does not exist', async () => {
    const bob = caller(stack.apiUrl, 'bob', 'bob-pass');
    assert.equal((await bob('GET', '/user')).status, 403, 'bob is a user');
    writeFileSync(stack.config.authFile, 'alice,alice-pass,user\nbob,bob-pass,admin\ngus,gus-pass,guest\ncarl,carl-pass,chief\n');
    try {
      assert.equal((await bob('GET', '/user')).status, 200, 'bob is an admin now');
      const carl = await caller(stack.apiUrl, 'carl', 'carl-pass')('GET', '/execution');
      assert.equal(carl.status, 401, 'an unknown role gives no access (not the user role)');
      assert.equal(await findUser(stack.pool, 'carl'), undefined);
    } finally {
      writeFileSync(stack.config.authFile, 'alice,alice-pass,user\nbob,bob-pass,user\ngus,gus-pass,guest\n');
    }
    assert.equal((await bob('GET', '/user')).status, 403, 'back to user');
  });
});
