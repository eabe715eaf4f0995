// Bad input through the REST API, against the real stack: each refusal names the field or the
// reason, with the right status, and nothing is stored, queued or started.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caller, sampleZApp, waitForStatus, type Caller } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

void describe('the API refuses bad input cleanly', () => {
  let stack: TestStack;
  let alice: Caller;
  let bob: Caller;

  before(async () => {
    stack = await startTestStack();
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    bob = caller(stack.apiUrl, 'bob', 'bob-pass');
  });
  after(() => stack.stop());

  async function nothingStored(): Promise<void> {
    const rows = await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM execution');
    assert.equal(rows.rows[0]?.n, 0, 'no execution row');
    assert.deepEqual(await stack.containers(), [], 'no container');
  }

  void it('refuses a body that is not JSON, naming where it breaks', async () => {
    const reply = await alice('POST', '/execution', undefined, '{"name": "x", "application": {');
    assert.equal(reply.status, 400);
    assert.match((reply.body as { error: { message: string } }).error.message, /not valid JSON: .*end of input at line 1, column 31/);
    await nothingStored();
  });

  void it('refuses a ZApp that lacks a required field, naming the field', async () => {
    const zapp = sampleZApp('web');
    delete (zapp.services as Array<Record<string, unknown>>)[0]!.image;
    const reply = await alice('POST', '/execution', { name: 'x', application: zapp });
    assert.equal(reply.status, 400);
    const error = (reply.body as { error: { field: string; details: { errors: Array<{ path: string }> } } }).error;
    assert.equal(error.field, 'application.services[0].image');
    assert.deepEqual(error.details.errors.map((e) => e.path), ['application.services[0].image'], 'every path is inside the request, like field');
    await nothingStored();
  });

  void it('refuses unknown fields in the request', async () => {
    const reply = await alice('POST', '/execution', { name: 'x', application: sampleZApp('web'), priority: 3 });
    assert.equal(reply.status, 400);
    assert.match((reply.body as { error: { message: string } }).error.message, /priority/);
    await nothingStored();
  });

  void it('refuses at once a request for more memory than any host has', async () => {
    const zapp = sampleZApp('web');
    const service = (zapp.services as Array<{ resources: { memory: { min: number; max: number } } }>)[0]!;
    const engineMemory = ((await stack.docker.info()) as { MemTotal: number }).MemTotal;
    const tooMuch = engineMemory + 1024 ** 3;
    service.resources.memory = { min: tooMuch, max: tooMuch };
    await stack.pool.query("UPDATE quota SET memory = 0 WHERE name = 'default'"); // only the host's size may refuse it
    const started = Date.now();
    const reply = await alice('POST', '/execution', { name: 'too-big', application: zapp }).finally(() =>
      stack.pool.query("UPDATE quota SET memory = 34359738368 WHERE name = 'default'"));
    assert.equal(reply.status, 400);
    const error = (reply.body as { error: { message: string; field: string } }).error;
    assert.match(error.message, /can never run here/);
    assert.match(error.message, /web0/);
    assert.equal(error.field, 'application.services[0].resources');
    assert.ok(Date.now() - started < 10_000, 'refused at once, not queued');
    await nothingStored();
  });

  void it('refuses ZApp volumes on host paths no administrator allowed', async () => {
    const zapp = sampleZApp('web');
    (zapp.services as Array<Record<string, unknown>>)[0]!.volumes = [{ name: 'etc', path: '/etc', read_only: true }];
    const reply = await alice('POST', '/execution', { name: 'x', application: zapp });
    assert.equal(reply.status, 400);
    assert.equal((reply.body as { error: { field: string } }).error.field, 'application.services[0].volumes[0].path');
    await nothingStored();
  });

  void it('answers wrong credentials with 401 and a JSON body, and does nothing', async () => {
    const wrong = caller(stack.apiUrl, 'test', '123');
    for (const [method, path, body] of [
      ['GET', '/execution'], ['GET', '/execution/345'], ['DELETE', '/execution/345'],
      ['DELETE', '/execution/delete/234'], ['POST', '/execution', { name: 'x', application: sampleZApp('web') }],
    ] as Array<[string, string, unknown?]>) {
      const reply = await wrong(method, path, body);
      assert.equal(reply.status, 401, `${method} ${path}`);
      assert.equal((reply.body as { error: { code: string } }).error.code, 'unauthorized');
    }
    assert.equal((await caller(stack.apiUrl, 'alice', 'wrong')('GET', '/execution')).status, 401);
    assert.equal((await caller(stack.apiUrl)('GET', '/execution')).status, 401);
    await nothingStored();
  });

  void it('keeps guests off the API', async () => {
    const reply = await caller(stack.apiUrl, 'gus', 'gus-pass')('GET', '/execution');
    assert.equal(reply.status, 403);
  });

  void it('answers 400 for ids that do not parse and 404 for someone else\'s execution, as for a missing one', async () => {
    assert.equal((await alice('GET', '/execution/abc')).status, 400);
    assert.equal((await alice('GET', '/execution/-1')).status, 400);
    const submitted = await alice('POST', '/execution', { name: 'mine', application: sampleZApp('web') });
    const id = (submitted.body as { execution_id: number }).execution_id;
    const theirs = await bob('GET', `/execution/${id}`);
    const missing = await bob('GET', '/execution/999999');
    assert.equal(theirs.status, 404);
    assert.equal(missing.status, 404);
    assert.deepEqual(theirs.body, { error: { code: 'not_found', message: `execution ${id} not found` } });
    assert.equal((await bob('DELETE', `/execution/${id}`)).status, 404);
    assert.equal((await bob('GET', `/execution/endpoints/${id}`)).status, 404);
    assert.equal((await alice('DELETE', `/execution/${id}`)).status, 204);
    await waitForStatus(alice, id, (s) => s === 'terminated');
  });

  void it('refuses an execution over the quota with 409 and the reason', async () => {
    await stack.pool.query("UPDATE quota SET concurrent_executions = 1 WHERE name = 'default'");
    try {
      const first = await alice('POST', '/execution', { name: 'one', application: sampleZApp('web') });
      assert.equal(first.status, 201);
      const second = await alice('POST', '/execution', { name: 'two', application: sampleZApp('web') });
      assert.equal(second.status, 409);
      assert.match((second.body as { error: { message: string } }).error.message, /cannot run more than 1 execution at a time/);
      const id = (first.body as { execution_id: number }).execution_id;
      await alice('DELETE', `/execution/${id}`);
      await waitForStatus(alice, id, (s) => s === 'terminated');
    } finally {
      await stack.pool.query("UPDATE quota SET concurrent_executions = 5 WHERE name = 'default'");
    }
  });
});
