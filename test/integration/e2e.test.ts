// End to end through the REST API, against a real Temporal dev server, a real Docker Engine and a
// real PostgreSQL: an execution is admitted, its containers run with Zoe's names, labels and
// limits, the user reaches its endpoint, kills it, and every container is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { executionWorkflowId } from '../../model/naming.js';
import { caller, sampleZApp, waitForStatus, type Caller } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const FINAL = (s: string) => s === 'terminated' || s === 'error';

void describe('an execution through the real stack', () => {
  let stack: TestStack;
  let alice: Caller;

  before(async () => {
    stack = await startTestStack();
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  });
  after(() => stack.stop());

  void it('runs a web ZApp, serves its endpoint, and removes every container when killed', async () => {
    const submitted = await alice('POST', '/execution', { name: 'web-demo', application: sampleZApp('web') });
    assert.equal(submitted.status, 201);
    const id = (submitted.body as { execution_id: number }).execution_id;

    const running = await waitForStatus(alice, id, (s) => s === 'running' || FINAL(s));
    assert.equal(running.status, 'running', `ended early: ${running.error_message}`);

    const [container] = await stack.containers(id);
    assert.ok(container, 'one container runs');
    assert.deepEqual(container.Names, [`/web0-${id}-${stack.config.deployment}`]);
    assert.equal(container.State, 'running');
    assert.equal(container.Labels.zoe_owner, 'alice');
    assert.equal(container.Labels.zoe_execution_id, String(id));
    assert.equal(container.Labels.zoe_service_name, 'web0');
    assert.equal(container.Labels.zoe_type, 'app_service');
    const inspected = await stack.docker.getContainer(container.Id).inspect();
    assert.equal(inspected.HostConfig.Memory, 32 * 1024 * 1024);
    assert.equal(inspected.HostConfig.NanoCpus, 250_000_000);
    assert.equal(inspected.HostConfig.Init, true);
    assert.ok(inspected.Config.Env.includes('GREETING=hello alice'), 'templates rendered');
    assert.ok(inspected.Config.Env.includes(`EXECUTION_ID=${id}`));

    const endpoints = await alice('GET', `/execution/endpoints/${id}`);
    const [endpoint] = (endpoints.body as { endpoints: Array<[string, string]> }).endpoints;
    assert.ok(endpoint, 'the web port is an endpoint');
    const [name, url] = endpoint;
    assert.equal(name, 'Web page');
    const page = await fetch(url);
    assert.match(await page.text(), /Hello from a Zoe ZApp/);

    const description = await stack.temporal.workflow.getHandle(executionWorkflowId(stack.config.deployment, id)).describe();
    assert.equal(description.searchAttributes.ZoeOwner?.[0], 'alice');
    assert.equal(description.searchAttributes.ZoeState?.[0], 'running');
    assert.equal(description.searchAttributes.ZoeZApp?.[0], 'hello-web');

    const listed = await alice('GET', '/execution');
    assert.equal((listed.body as Record<string, { status: string }>)[String(id)]?.status, 'running');

    const killed = await alice('DELETE', `/execution/${id}`);
    assert.equal(killed.status, 204);
    const ended = await waitForStatus(alice, id, FINAL);
    assert.equal(ended.status, 'terminated');
    assert.equal(ended.error_message, 'user alice request from API');
    assert.deepEqual(await stack.containers(id), []);

    const history = await alice('GET', `/execution/history/${id}`);
    const statuses = (history.body as { events: Array<{ status: string | null }> }).events.map((e) => e.status).filter(Boolean);
    assert.deepEqual(statuses, ['queued', 'starting', 'running', 'cleaning up', 'terminated']);
    const service = await stack.pool.query('SELECT status, backend_status FROM service WHERE execution_id = $1', [id]);
    assert.deepEqual(service.rows, [{ status: 'inactive', backend_status: 'destroyed' }]);
    const again = await alice('DELETE', `/execution/${id}`);
    assert.equal(again.status, 400);
    assert.equal((again.body as { error: { message: string } }).error.message, 'Execution is not running');
  });

  void it('ends a batch execution when its essential service exits, with the exit code in the reason', async () => {
    const zapp = sampleZApp('batch');
    const service = (zapp.services as Array<Record<string, unknown>>)[0]!;
    service.command = "sh -c 'echo working; exit 3'";
    const submitted = await alice('POST', '/execution', { name: 'failing-batch', application: zapp });
    assert.equal(submitted.status, 201);
    const id = (submitted.body as { execution_id: number }).execution_id;
    const ended = await waitForStatus(alice, id, FINAL);
    assert.equal(ended.status, 'terminated');
    assert.equal(ended.error_message, 'essential service job0 exited with code 3');
    assert.deepEqual(await stack.containers(id), []);
    const row = await stack.pool.query<{ exit_code: number }>('SELECT exit_code FROM service WHERE execution_id = $1', [id]);
    assert.equal(row.rows[0]?.exit_code, 3);
  });

  void it('starts a master/worker ZApp whose workers reach the master by its DNS name', async () => {
    const submitted = await alice('POST', '/execution', { name: 'cluster', application: sampleZApp('cluster') });
    const id = (submitted.body as { execution_id: number }).execution_id;
    await waitForStatus(alice, id, (s) => s === 'running');
    const names = async () => (await stack.containers(id)).map((c) => c.Labels.zoe_service_name).sort();
    const deadline = Date.now() + 30_000;
    while ((await names()).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(await names(), ['master0', 'worker0', 'worker1', 'worker2'], 'the elastic workers are granted too');
    const worker = stack.docker.getContainer(`worker0-${id}-${stack.config.deployment}`);
    let logs = '';
    while (!logs.includes('reached') && Date.now() < deadline + 15_000) {
      logs = (await worker.logs({ stdout: true, stderr: true })).toString('utf8');
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(logs, new RegExp(`worker0 reached http://master0-${id}-${stack.config.deployment}:8080/`));
    assert.equal((await alice('DELETE', `/execution/${id}`)).status, 204);
    await waitForStatus(alice, id, FINAL);
    assert.deepEqual(await stack.containers(id), []);
  });
});
