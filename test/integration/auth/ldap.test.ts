// LDAP logins against a real OpenLDAP slapd started on loopback: the role from the user's gidNumber
// or a posixGroup's memberUid, a database row at first login, injection attempts in user names that
// match nothing, the same refusal for every failure, and 503 (not 401) when the directory is down.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUser } from '../../../users/repository.js';
import { caller } from '../../helpers/api.js';
import { personLdif, posixGroupLdif, startSlapd, type Slapd } from '../../helpers/slapd.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';

const ADMIN_GID = 5000;
const USER_GID = 5001;
const GUEST_GID = 5002;

void describe('LDAP authentication', () => {
  let slapd: Slapd;
  let stack: TestStack;

  const login = (user: string, pass: string) => caller(stack.apiUrl, user, pass)('GET', '/login');
  const roleOf = async (user: string) =>
    (await stack.pool.query<{ name: string }>('SELECT role.name FROM "user" JOIN role ON role.id = role_id WHERE username = $1', [user])).rows[0]?.name;

  before(async () => {
    slapd = await startSlapd([
      personLdif('ann', 'ann-pass', ADMIN_GID, 20001),
      personLdif('uma', 'uma-pass', USER_GID, 20002),
      personLdif('gail', 'gail-pass', GUEST_GID, 20003),
      personLdif('pat', 'pat-pass', 7000, 20004), // primary group unrelated; user through a posixGroup
      personLdif('olga', 'olga-pass', 7000, 20005), // in no Zoe group at all
      personLdif('dan', 'dan-pass', USER_GID, 20006),
      personLdif('p(a)r*n', 'paren-pass', USER_GID, 20007), // filter metacharacters in a real uid
      posixGroupLdif('zoe-users', USER_GID, ['pat']),
      posixGroupLdif('staff', 7000, ['pat', 'olga']),
    ].join('\n'));
    stack = await startTestStack({
      env: {
        ZOE_LDAP_SERVER_URI: slapd.url,
        ZOE_LDAP_BIND_USER: slapd.bindDn,
        ZOE_LDAP_BIND_PASSWORD: slapd.bindPassword,
        ZOE_LDAP_BASE_DN: slapd.baseDn,
        ZOE_LDAP_ADMIN_GID: String(ADMIN_GID),
        ZOE_LDAP_USER_GID: String(USER_GID),
        ZOE_LDAP_GUEST_GID: String(GUEST_GID),
      },
    });
  });
  after(async () => {
    await stack?.stop();
    await slapd?.stop();
  });

  void it('gives each LDAP user the role of its group, and a database row at first login', async () => {
    assert.equal(await findUser(stack.pool, 'ann'), undefined, 'no row before the first login');
    const ann = await login('ann', 'ann-pass');
    assert.equal(ann.status, 200);
    assert.equal((ann.body as { user: { auth_source: string } }).user.auth_source, 'ldap');
    assert.equal(await roleOf('ann'), 'admin');
    assert.equal((await caller(stack.apiUrl, 'ann', 'ann-pass')('GET', '/user')).status, 200, 'admins manage users');

    assert.equal((await login('uma', 'uma-pass')).status, 200);
    assert.equal(await roleOf('uma'), 'user');
    assert.equal((await caller(stack.apiUrl, 'uma', 'uma-pass')('GET', '/user')).status, 403, 'users do not');

    assert.equal((await login('gail', 'gail-pass')).status, 403, 'guests cannot use the API');
    assert.equal(await roleOf('gail'), 'guest');

    const row = (await findUser(stack.pool, 'uma'))!;
    assert.equal(row.auth_source, 'ldap');
    assert.equal(row.password, null, 'no password is stored for LDAP users');
    assert.equal(row.email, 'uma@zoe.test', 'e-mail from the directory');
    assert.equal(row.fs_uid, 20002, 'fs_uid from uidNumber');
    assert.equal(row.quota_id, (await stack.pool.query<{ id: number }>("SELECT id FROM quota WHERE name = 'default'")).rows[0]!.id);
  });

  void it('also finds the role through posixGroup membership (memberUid), and gives guest to a user in no Zoe group', async () => {
    assert.equal((await login('pat', 'pat-pass')).status, 200);
    assert.equal(await roleOf('pat'), 'user');
    assert.equal((await login('olga', 'olga-pass')).status, 403);
    assert.equal(await roleOf('olga'), 'guest');
  });

  void it('follows a group change in the directory at the next login', async () => {
    assert.equal((await login('dan', 'dan-pass')).status, 200);
    assert.equal(await roleOf('dan'), 'user');
    slapd.modify(`dn: uid=dan,ou=people,${slapd.baseDn}\nchangetype: modify\nreplace: gidNumber\ngidNumber: ${ADMIN_GID}\n`);
    assert.equal((await login('dan', 'dan-pass')).status, 200);
    assert.equal(await roleOf('dan'), 'admin');
  });

  void it('treats filter metacharacters in user names as plain characters: injection attempts get 401', async () => {
    // ann's password with names that would match ann (or anyone) if they reached the filter unescaped.
    for (const name of ['*', 'a*', '*nn', ')(uid=*', 'admin)(|(uid=*', 'ann)(uid=*', '*)(objectClass=*', 'ann\\2a', 'ann\0']) {
      const reply = await login(name, 'ann-pass');
      assert.equal(reply.status, 401, JSON.stringify(name));
      assert.deepEqual(reply.body, { error: { code: 'unauthorized', message: 'invalid username or password' } }, JSON.stringify(name));
    }
    const rows = await stack.pool.query<{ username: string }>('SELECT username FROM "user" WHERE username LIKE \'%*%\' OR username LIKE \'%(%\'');
    assert.deepEqual(rows.rows, [], 'no user was created');
    // A real uid with those characters matches itself, and only with its own password.
    assert.equal((await login('p(a)r*n', 'paren-pass')).status, 200);
    assert.equal((await login('p(a)r*n', 'ann-pass')).status, 401);
    assert.equal((await login('p(a)r*', 'paren-pass')).status, 401, 'no substring match');
  });

  void it('refuses a wrong password, an unknown user, a disabled user and an empty password alike', async () => {
    assert.equal((await login('uma', 'uma-pass')).status, 200);
    const umaId = (await findUser(stack.pool, 'uma'))!.id;
    const admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
    assert.equal((await admin('POST', `/user/${umaId}`, { enabled: false })).status, 201);
    const replies = [
      await login('ann', 'wrong-pass'),
      await login('nobody-here', 'ann-pass'),
      await login('uma', 'uma-pass'),
      await login('ann', ''),
      await login('ANN', 'ann-pass'), // LDAP matches uid without case; Zoe user names are exact
    ];
    for (const reply of replies) {
      assert.equal(reply.status, 401);
      assert.deepEqual(reply.body, replies[0]!.body);
      assert.equal(reply.reason, replies[0]!.reason);
    }
    assert.equal((await admin('POST', `/user/${umaId}`, { enabled: true })).status, 201);
    assert.equal((await login('uma', 'uma-pass')).status, 200, 'enabled again');
  });

  void it('keeps text-file and internal users working beside LDAP', async () => {
    assert.equal((await login('alice', 'alice-pass')).status, 200);
    assert.equal((await findUser(stack.pool, 'alice'))!.auth_source, 'textfile');
    assert.equal((await login('admin', stack.adminPassword)).status, 200);
  });

  void it('answers 503, not 401, when the directory does not answer', async () => {
    await slapd.stop();
    const reply = await login('ann', 'ann-pass');
    assert.equal(reply.status, 503);
    assert.equal((reply.body as { error: { code: string } }).error.code, 'unavailable');
    assert.equal((await login('never-seen', 'whatever')).status, 503, 'an unknown name may be in the directory');
    assert.equal((await login('admin', stack.adminPassword)).status, 200, 'internal users do not need LDAP');
    assert.equal((await login('alice', 'alice-pass')).status, 200, 'nor do text-file users');
  });
});
