// The OpenAPI document at /api/0.7/openapi.json: it lists exactly the routes the Koa routers serve,
// it is structurally sound (every path parameter declared, every $ref resolving, request bodies as
// schema objects), and the replies of the real stack match the response schemas it is made from.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Koa from 'koa';
import { createApp, API_PREFIX } from '../../api/app.js';
import { openApiDocument, openApiPath, ROUTES, type RouteDoc } from '../../api/openapi.js';
import { ErrorSchema } from '../../api/openapi-schemas.js';
import { createLogger } from '../../log/logger.js';
import { caller, sampleZApp, waitForStatus, type Caller, type Reply } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

type Json = Record<string, unknown>;
interface Layer { path: string; methods: string[] }

/** `GET /api/0.7/execution/:id`-style pairs of every route the app's routers hold. */
function servedRoutes(app: Koa): string[] {
  const routes: string[] = [];
  for (const middleware of app.middleware as Array<{ router?: { stack: Layer[] } }>) {
    for (const layer of middleware.router?.stack ?? []) {
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) routes.push(`${method} ${layer.path}`);
    }
  }
  return routes.sort();
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

void describe('the OpenAPI document', () => {
  let stack: TestStack;
  let admin: Caller;
  let alice: Caller;
  const doc = openApiDocument() as { openapi: string; info: Json; servers: Array<{ url: string }>; paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };

  before(async () => {
    stack = await startTestStack();
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  });
  after(() => stack.stop());

  void it('documents every route the routers serve, and nothing else', () => {
    const app = createApp({ config: stack.config, pool: stack.pool, temporal: stack.temporal, backend: stack.backend, log: createLogger('openapi-test', 'error') });
    const served = servedRoutes(app);
    assert.ok(served.length >= 30, `the routers were walked (${served.length} routes)`);
    assert.ok(served.every((r) => r.includes(` ${API_PREFIX}/`)), 'every route is under the API prefix');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${doc.servers[0]!.url}${path}`))
      .sort();
    assert.deepEqual(documented, served.map((r) => { const [method, path] = r.split(' '); return `${method} ${openApiPath(path!)}`; }).sort());
    assert.equal(doc.servers[0]!.url, API_PREFIX);
  });

  void it('is served to anyone, as generated', async () => {
    const reply = await caller(stack.apiUrl)('GET', '/openapi.json');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, JSON.parse(JSON.stringify(doc)));
  });

  void it('is structurally valid OpenAPI 3.1', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    const refs: string[] = [];
    const collectRefs = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collectRefs);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref') refs.push(String(inner));
          else collectRefs(inner);
        }
      }
    };
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      assert.match(path, /^\/[A-Za-z0-9_./{}-]*$/, path);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        assert.ok(METHODS.includes(method), where);
        assert.equal(typeof op.operationId, 'string', where);
        assert.ok(!operationIds.has(op.operationId as string), `${where}: unique operationId`);
        operationIds.add(op.operationId as string);
        const parameters = (op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema: unknown }>;
        assert.deepEqual(parameters.filter((p) => p.in === 'path').map((p) => p.name).sort(), templated, `${where}: path parameters`);
        for (const p of parameters) {
          assert.ok(['path', 'query'].includes(p.in), where);
          if (p.in === 'path') assert.equal(p.required, true, `${where}: ${p.name} required`);
          assert.ok(p.schema && typeof p.schema === 'object' && !Array.isArray(p.schema), `${where}: ${p.name} has a schema object`);
        }
        if (op.requestBody !== undefined) {
          const schema = (op.requestBody as { content: Record<string, { schema: unknown }> }).content['application/json']?.schema;
          assert.ok(schema && typeof schema === 'object' && !Array.isArray(schema), `${where}: request body schema is an object`);
        }
        const responses = op.responses as Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
        assert.ok(Object.keys(responses).some((s) => /^2\d\d$/.test(s)), `${where}: a success reply`);
        for (const [status, response] of Object.entries(responses)) {
          assert.match(status, /^[1-5]\d\d$/, where);
          assert.equal(typeof response.description, 'string', `${where} ${status}: description`);
          for (const media of Object.values(response.content ?? {})) assert.equal(typeof media.schema, 'object', `${where} ${status}`);
        }
        collectRefs(op);
      }
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      assert.ok(schema.type !== undefined || schema.anyOf !== undefined || schema.oneOf !== undefined, `component ${name} has a type`);
      assert.equal(schema.$schema, undefined, `component ${name}: no $schema (the document's dialect applies)`);
      collectRefs(schema);
    }
    assert.ok(refs.length > 50);
    for (const ref of refs) {
      const match = /^#\/components\/schemas\/(\w+)$/.exec(ref);
      assert.ok(match && doc.components.schemas[match[1]!], `${ref} resolves`);
    }
  });

  void it('is generated from the zod schemas the routes validate with', () => {
    const schemas = doc.components.schemas;
    const start = schemas.StartExecution as { properties: Json; required: string[]; additionalProperties: boolean };
    assert.deepEqual(start.properties.application, { $ref: '#/components/schemas/ZApp' });
    assert.deepEqual(start.required.sort(), ['application', 'name']);
    assert.equal(start.additionalProperties, false, 'unknown fields are refused');
    const zapp = schemas.ZApp as { properties: Record<string, Json> };
    assert.deepEqual(zapp.properties.version, { type: 'number', const: 3 });
    assert.deepEqual((schemas.NewQuota as { required: string[] }).required.sort(), ['concurrent_executions', 'cores', 'memory', 'name', 'runtime_limit']);
    assert.deepEqual(((schemas.NewUser as { properties: Record<string, Json> }).properties.auth_source)!.enum, ['internal', 'textfile', 'ldap', 'ldap+sasl']);
    const list = doc.paths['/execution']!.get!.parameters as Array<{ name: string; schema: Json }>;
    assert.deepEqual(list.map((p) => p.name), ['status', 'name', 'user_id', 'limit', 'earlier_than_submit', 'earlier_than_start',
      'earlier_than_end', 'later_than_submit', 'later_than_start', 'later_than_end']);
    const shopStart = schemas.ShopStart as { properties: Json };
    assert.deepEqual(Object.keys(shopStart.properties), ['name', 'parameters', 'resources']);
    const error = (schemas.Error as { properties: { error: { required: string[] } } }).properties.error;
    assert.deepEqual(error.required.sort(), ['code', 'message']);
  });

  void it('describes what the real stack answers', async () => {
    const routeOf = (method: string, path: string): RouteDoc => {
      const bare = path.split('?')[0]!;
      const found = ROUTES.find((r) => r.method === method.toLowerCase() && new RegExp(`^${r.path.replace(/:[a-z_]+/g, '[^/]+')}$`).test(bare));
      assert.ok(found, `${method} ${path} is documented`);
      return found;
    };
    let checked = 0;
    /** Calls the API and checks the reply against the document's schema for that route and status. */
    const call = async (who: Caller, method: string, path: string, body?: unknown): Promise<Reply<any>> => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const reply = await who(method, path, body);
      const route = routeOf(method, path);
      const expected = route.ok[reply.status];
      if (reply.status >= 400) {
        assert.ok(route.errors?.includes(reply.status) || (!route.public && [401, 403, 503].includes(reply.status)), `${method} ${path}: ${reply.status} is documented`);
        ErrorSchema.parse(reply.body);
      } else {
        assert.ok(expected, `${method} ${path}: ${reply.status} is documented`);
        if (expected.schema) {
          const parsed = expected.schema.safeParse(reply.body);
          assert.ok(parsed.success, `${method} ${path}: ${parsed.error?.message}\n${JSON.stringify(reply.body).slice(0, 600)}`);
        } else if (!expected.media) {
          assert.equal(reply.body, undefined, `${method} ${path}: no body`);
        }
      }
      checked++;
      return reply;
    };

    await call(caller(stack.apiUrl), 'GET', '/info');
    await call(caller(stack.apiUrl), 'POST', '/zapp_validate', sampleZApp('web'));
    await call(caller(stack.apiUrl), 'POST', '/zapp_validate', { name: 'x' });
    await call(alice, 'GET', '/login');
    const started = await call(alice, 'POST', '/execution', { name: 'documented', application: sampleZApp('web') });
    assert.equal(started.status, 201);
    const id = (started.body as { execution_id: number }).execution_id;
    await waitForStatus(alice, id, (s) => s === 'running');
    const execution = await call(alice, 'GET', `/execution/${id}`);
    await call(alice, 'GET', '/execution');
    await call(admin, 'GET', '/execution?limit=5');
    await call(alice, 'GET', `/execution/endpoints/${id}`);
    await call(alice, 'GET', `/execution/history/${id}`);
    await call(alice, 'GET', `/service/${(execution.body as { services: number[] }).services[0]!}`);
    await call(alice, 'GET', `/discovery/by_group/${id}/all`);
    await call(alice, 'GET', '/statistics/scheduler');
    await call(alice, 'GET', '/execution/999999');
    await call(alice, 'POST', '/execution', { name: 'x', application: sampleZApp('web'), extra: 1 });
    await call(alice, 'GET', '/zapp_shop');
    await call(admin, 'GET', '/zapp_shop');
    await call(alice, 'GET', '/zapp_shop/cluster-0');
    await call(alice, 'GET', '/zapp_shop/batch-0');
    await call(admin, 'GET', '/user');
    await call(admin, 'GET', '/role');
    await call(admin, 'GET', '/quota');
    const login = await call(alice, 'GET', '/login');
    const me = (login.body as { user: { id: number; role_id: number; quota_id: number } }).user;
    await call(alice, 'GET', `/user/${me.id}`);
    await call(alice, 'GET', `/role/${me.role_id}`);
    await call(alice, 'GET', `/quota/${me.quota_id}`);
    const quota = await call(admin, 'POST', '/quota', { name: 'documented', concurrent_executions: 1, memory: 0, cores: 0, runtime_limit: 0 });
    await call(admin, 'POST', `/quota/${(quota.body as { quota_id: number }).quota_id}`, { cores: 2 });
    await call(admin, 'DELETE', `/quota/${(quota.body as { quota_id: number }).quota_id}`);
    await call(admin, 'POST', '/role', { name: 'documented' });
    await call(admin, 'POST', '/user', { username: 'doc', email: null, role_id: me.role_id, quota_id: me.quota_id, auth_source: 'internal', fs_uid: -1 });
    assert.equal((await call(alice, 'DELETE', `/execution/${id}`)).status, 204);
    await waitForStatus(alice, id, (s) => s === 'terminated');
    const restarted = await call(alice, 'POST', `/execution/restart/${id}`);
    assert.equal(restarted.status, 201);
    const again = (restarted.body as { execution_id: number }).execution_id;
    assert.deepEqual((await call(admin, 'DELETE', `/user/${me.id}/executions`)).body, { user_id: me.id, terminated: [again] });
    await waitForStatus(alice, again, (s) => s === 'terminated');
    assert.equal((await call(admin, 'DELETE', `/execution/delete/${id}`)).status, 204);
    assert.ok(checked >= 30);
  });
});
