// The sample shop through the REST API, on the real stack: its three ZApps start from the shop and
// run on the local engine; an admin's parameters and resource overrides reach the containers,
// capped at the administrative limits; wrong values are refused, naming what is wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caller, waitForStatus, type Caller } from '../../helpers/api.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';

const FINAL = (s: string) => s === 'terminated' || s === 'error';
const MiB = 1024 ** 2;

interface ErrorBody { error: { code: string; message: string; field?: string; details?: { errors: Array<{ path: string; message: string }> } } }
interface StoredZApp { services: Array<{ name: string; essential_count: number; total_count: number; command: string | null; environment: Array<[string, string]>; resources: { memory: { min: number }; cores: { min: number } } }> }

void describe('the sample shop through the REST API', () => {
  let stack: TestStack;
  let alice: Caller;
  let admin: Caller;

  before(async () => {
    // Small limits (64 MiB, half a core per service) so that capping is visible on the containers.
    stack = await startTestStack({ env: { ZOE_MAX_MEMORY_LIMIT: '0.0625', ZOE_MAX_CORE_LIMIT: '0.5' } });
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
  });
  after(() => stack.stop());

  const executionCount = async () => (await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM execution')).rows[0]?.n;
  const start = async (who: Caller, id: string, body: unknown) => {
    const reply = await who('POST', `/zapp_shop/${id}/start`, body);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return (reply.body as { execution_id: number }).execution_id;
  };
  const description = async (id: number) => ((await admin('GET', `/execution/${id}`)).body as { description: StoredZApp }).description;
  const kill = async (id: number) => {
    assert.equal((await admin('DELETE', `/execution/${id}`)).status, 204);
    await waitForStatus(admin, id, FINAL);
    assert.deepEqual(await stack.containers(id), []);
  };

  void it('lists the three sample ZApps with rendered readmes, parameters and logo URLs', async () => {
    const reply = await alice('GET', '/zapp_shop');
    assert.equal(reply.status, 200);
    const body = reply.body as { zapps: Array<{ id: string; category: string; name: string; readme_html: string; logo_url: string; parameters: Array<{ name: string }> }>; problems?: unknown };
    assert.deepEqual(body.zapps.map((z) => [z.id, z.category, z.name, z.parameters.map((p) => p.name)]), [
      ['batch-0', 'Batch', 'Countdown job', ['STEPS', 'job']],
      ['cluster-0', 'Distributed', 'Master and workers', ['worker', 'REPORT_INTERVAL']],
      ['web-0', 'Interactive', 'Hello web page', []],
    ]);
    assert.equal(body.problems, undefined, 'only admins see the folders that failed');
    assert.deepEqual(body.zapps.map((z) => z.logo_url), ['batch-0', 'cluster-0', 'web-0'].map((id) => `/api/0.7/zapp_shop/${id}/logo`));
    assert.match(body.zapps[2]!.readme_html, /^<h1>Hello web page<\/h1>\n<p>One interactive service/);
    const adminList = (await admin('GET', '/zapp_shop')).body as { problems: unknown[] };
    assert.deepEqual(adminList.problems, []);
  });

  void it('shows one ZApp with its services, counts, resources, parameters and description', async () => {
    const reply = await alice('GET', '/zapp_shop/cluster-0');
    assert.equal(reply.status, 200);
    const body = reply.body as Record<string, unknown> & { services: unknown[]; parameters: unknown[]; zapp: { name: string } };
    assert.deepEqual(body.services, [
      { name: 'master', image: 'zoe-local/busybox:1', monitor: true, essential_count: 1, total_count: 1, resources: { memory_bytes: 32 * MiB, memory_gib: 1 / 32, cores: 0.2 } },
      { name: 'worker', image: 'zoe-local/busybox:1', monitor: false, essential_count: 1, total_count: 3, resources: { memory_bytes: 16 * MiB, memory_gib: 1 / 64, cores: 0.1 } },
    ]);
    assert.deepEqual(body.parameters[0], {
      kind: 'service_count', name: 'worker', readable_name: 'Workers', description: 'How many workers to start; all of them are essential',
      type: 'int', default: 3, min: 1, max: 4, step: 1,
    });
    assert.equal(body.zapp.name, 'master-workers');
    assert.equal(body.can_customize, false);
    assert.deepEqual(body.limits, { max_memory_gib: 0.0625, max_cores: 0.5 });
    assert.equal(((await admin('GET', '/zapp_shop/cluster-0')).body as { can_customize: boolean }).can_customize, true);
  });

  void it('starts the web ZApp for a user; it runs and serves its page', async () => {
    const id = await start(alice, 'web-0', { name: 'shop-web' });
    const running = await waitForStatus(alice, id, (s) => s === 'running' || FINAL(s));
    assert.equal(running.status, 'running', `ended early: ${running.error_message}`);
    const [container] = await stack.containers(id);
    assert.equal(container?.Labels.zoe_owner, 'alice');
    const endpoints = (await alice('GET', `/execution/endpoints/${id}`)).body as { endpoints: Array<[string, string]> };
    const url = endpoints.endpoints[0]?.[1];
    assert.ok(url);
    assert.match(await (await fetch(url)).text(), /Hello from a Zoe ZApp/);
    await kill(id);
  });

  void it('starts the cluster ZApp for a user as written: one essential and two elastic workers', async () => {
    const id = await start(alice, 'cluster-0', { name: 'shop-cluster', parameters: {}, resources: {} });
    const running = await waitForStatus(alice, id, (s) => s === 'running' || FINAL(s));
    assert.equal(running.status, 'running', `ended early: ${running.error_message}`);
    const names = async () => (await stack.containers(id)).map((c) => c.Labels.zoe_service_name).sort();
    const deadline = Date.now() + 30_000;
    while ((await names()).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(await names(), ['master0', 'worker0', 'worker1', 'worker2']);
    const worker = (await description(id)).services[1]!;
    assert.deepEqual([worker.essential_count, worker.total_count], [1, 3], 'no parameter default applied for a user');
    await kill(id);
  });

  void it('starts the batch ZApp for a user; it ends by itself with exit code 0', async () => {
    const id = await start(alice, 'batch-0', { name: 'shop-batch' });
    const ended = await waitForStatus(alice, id, FINAL);
    assert.equal(ended.status, 'terminated');
    assert.match(String(ended.error_message), /exited with code 0/);
    const history = (await alice('GET', `/execution/history/${id}`)).body as { events: Array<{ status: string | null }> };
    assert.deepEqual(history.events.map((e) => e.status).filter(Boolean), ['queued', 'starting', 'running', 'cleaning up', 'terminated']);
    assert.deepEqual(await stack.containers(id), []);
  });

  void it("applies an admin's parameters and resource overrides, capped at the administrative limits", async () => {
    const id = await start(admin, 'cluster-0', {
      name: 'custom-cluster',
      parameters: { worker: 2, REPORT_INTERVAL: '7' },
      resources: { worker: { memory_gib: 10, cores: 8 }, master: { memory_gib: 0.05 } },
    });
    const running = await waitForStatus(admin, id, (s) => s === 'running' || FINAL(s));
    assert.equal(running.status, 'running', `ended early: ${running.error_message}`);
    const containers = await stack.containers(id);
    assert.deepEqual(containers.map((c) => c.Labels.zoe_service_name).sort(), ['master0', 'worker0', 'worker1'], 'two essential workers, no elastic ones');
    const worker = await stack.docker.getContainer(`worker0-${id}-${stack.config.deployment}`).inspect();
    assert.equal(worker.HostConfig.Memory, 64 * MiB, 'memory capped at ZOE_MAX_MEMORY_LIMIT');
    assert.equal(worker.HostConfig.NanoCpus, 500_000_000, 'cores capped at ZOE_MAX_CORE_LIMIT');
    assert.ok(worker.Config.Env.includes('REPORT_INTERVAL=7'));
    const master = await stack.docker.getContainer(`master0-${id}-${stack.config.deployment}`).inspect();
    assert.equal(master.HostConfig.Memory, Math.floor(0.05 * 1024 ** 3));
    const stored = (await description(id)).services;
    assert.deepEqual([stored[1]!.essential_count, stored[1]!.total_count], [2, 2]);
    assert.equal(stored[1]!.resources.memory.min, 64 * MiB);
    await kill(id);
  });

  void it("runs an admin's command parameter in the batch ZApp", async () => {
    const id = await start(admin, 'batch-0', { name: 'custom-batch', parameters: { STEPS: 1, job: "sh -c 'echo steps=$STEPS; exit 4'" } });
    const ended = await waitForStatus(admin, id, FINAL);
    assert.equal(ended.error_message, 'essential service job0 exited with code 4');
    const job = (await description(id)).services[0]!;
    assert.deepEqual(job.environment, [['STEPS', '1']]);
    assert.equal(job.command, "sh -c 'echo steps=$STEPS; exit 4'");
  });

  void it('refuses parameters out of range or of the wrong type, naming the parameter', async () => {
    const before = await executionCount();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ STEPS: 0 }, 'parameters.STEPS', /parameters\.STEPS: Must be between 1 and 600, got 0/],
      [{ STEPS: 601 }, 'parameters.STEPS', /Must be between 1 and 600, got 601/],
      [{ STEPS: 'ten' }, 'parameters.STEPS', /parameters\.STEPS: Must be an integer, got "ten"/],
      [{ STEPS: 2.5 }, 'parameters.STEPS', /Must be an integer, got 2\.5/],
      [{ COLOUR: 'red' }, 'parameters.COLOUR', /Unknown parameter "COLOUR": this ZApp has STEPS, job/],
    ];
    for (const [parameters, field, message] of cases) {
      const reply = await admin('POST', '/zapp_shop/batch-0/start', { name: 'bad', parameters });
      assert.equal(reply.status, 400, JSON.stringify(parameters));
      const { error } = reply.body as ErrorBody;
      assert.equal(error.field, field);
      assert.match(error.message, message);
    }
    const tooMany = await admin('POST', '/zapp_shop/cluster-0/start', { name: 'bad', parameters: { worker: 5 } });
    assert.equal((tooMany.body as ErrorBody).error.field, 'parameters.worker');
    assert.equal(await executionCount(), before, 'nothing was stored');
  });

  void it('refuses parameters and resources from a role that may not customise (403), and nothing starts', async () => {
    const before = await executionCount();
    const withParameters = await alice('POST', '/zapp_shop/batch-0/start', { name: 'mine', parameters: { STEPS: 2 } });
    assert.equal(withParameters.status, 403);
    assert.match((withParameters.body as ErrorBody).error.message, /your role \(user\) cannot set parameters or resources/);
    const withResources = await alice('POST', '/zapp_shop/web-0/start', { name: 'mine', resources: { web: { cores: 0.1 } } });
    assert.equal(withResources.status, 403);
    assert.equal(await executionCount(), before);
  });

  void it('refuses malformed start requests, naming the field', async () => {
    const before = await executionCount();
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['web-0', { name: 'x', params: { A: 1 } }, 'params', /Unknown field "params"/],
      ['web-0', { name: 'x', resources: { web: { memory: 1 } } }, 'resources.web.memory', /Unknown field "memory": a resource override has only memory_gib and cores/],
      ['web-0', { name: 'x', resources: { web: { cores: -1 } } }, 'resources.web.cores', /Must be greater than 0/],
      ['web-0', { name: 'x', resources: { nope: { cores: 0.1 } } }, 'resources.nope', /no service "nope" \(its services: web\)/],
      ['web-0', { parameters: {} }, 'name', /name: This field is required/],
      ['web-0', { name: '' }, 'name', /at least 1 character/],
      ['batch-0', { name: 'x', parameters: { STEPS: [1] } }, 'parameters.STEPS', /parameters\.STEPS/],
    ];
    for (const [id, body, field, message] of cases) {
      const reply = await admin('POST', `/zapp_shop/${id}/start`, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      const { error } = reply.body as ErrorBody;
      assert.equal(error.field, field, JSON.stringify(body));
      assert.match(error.message, message);
    }
    const notJson = await admin('POST', '/zapp_shop/web-0/start', undefined, '{"name": ');
    assert.equal(notJson.status, 400);
    assert.equal(await executionCount(), before);
  });

  void it('keeps guests out, as the rest of the API does', async () => {
    const gus = caller(stack.apiUrl, 'gus', 'gus-pass');
    for (const [method, path] of [['GET', '/zapp_shop'], ['GET', '/zapp_shop/web-0'], ['GET', '/zapp_shop/web-0/logo'], ['POST', '/zapp_shop/web-0/start']] as const) {
      const reply = await gus(method, path, method === 'POST' ? { name: 'x' } : undefined);
      assert.equal(reply.status, 403, path);
      assert.equal((reply.body as ErrorBody).error.code, 'forbidden');
    }
    assert.equal((await caller(stack.apiUrl)('GET', '/zapp_shop')).status, 401);
  });

  void it('answers 404 for an unknown ZApp and 400 for an id that cannot be one', async () => {
    for (const path of ['/zapp_shop/nope-0', '/zapp_shop/web-1', '/zapp_shop/nope-0/logo']) {
      const reply = await alice('GET', path);
      assert.equal(reply.status, 404, path);
      assert.equal((reply.body as ErrorBody).error.code, 'not_found');
    }
    assert.equal((await alice('POST', '/zapp_shop/web-7/start', { name: 'x' })).status, 404);
    for (const path of ['/zapp_shop/Web-0', '/zapp_shop/web', '/zapp_shop/web-x', '/zapp_shop/-0']) {
      const reply = await alice('GET', path);
      assert.equal(reply.status, 400, path);
      assert.equal((reply.body as ErrorBody).error.field, 'id');
    }
  });
});
