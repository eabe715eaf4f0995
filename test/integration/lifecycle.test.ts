// The execution lifecycle against the real stack: startup order with port readiness, workspaces,
// logs kept after the containers go, elastic instances that die are started again, and orphaned
// containers are reconciled away.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../log/logger.js';
import { executionLogDir } from '../../executions/log-files.js';
import { reconcileOrphans } from '../../worker/reconcile.js';
import { caller, waitForStatus, type Caller } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const MiB = 1024 ** 2;
function service(name: string, order: number, command: string, extra: Record<string, unknown> = {}) {
  return {
    name, image: 'zoe-local/busybox:1', monitor: order === 0, startup_order: order, essential_count: 1, total_count: 1,
    resources: { memory: { min: 16 * MiB, max: 16 * MiB }, cores: { min: 0.1, max: 0.1 } },
    ports: [], environment: [], volumes: [], command, ...extra,
  };
}
const zapp = (name: string, services: unknown[]) => ({ name, version: 3, will_end: false, size: 1, services });
const FINAL = (s: string) => s === 'terminated' || s === 'error';

void describe('execution lifecycle', () => {
  let stack: TestStack;
  let alice: Caller;
  let admin: Caller;

  before(async () => {
    stack = await startTestStack({ env: { ZOE_READINESS_TIMEOUT: '4' } });
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
  });
  after(() => stack.stop());

  async function submit(application: unknown): Promise<number> {
    const reply = await alice('POST', '/execution', { name: 'lifecycle', application });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return (reply.body as { execution_id: number }).execution_id;
  }

  void it('starts a group only once the previous group accepts connections on its ports', async () => {
    const port = { name: 'database port', port_number: 9000, protocol: 'tcp', url_template: 'tcp://{ip_port}' };
    const id = await submit(zapp('ordered', [
      service('store', 0, "sh -c 'sleep 2; exec httpd -f -p 9000 -h /var/www'", { ports: [port] }),
      service('front', 1, 'sleep 3600'),
    ]));
    await waitForStatus(alice, id, (s) => s === 'running' || FINAL(s));
    const started = async (name: string) =>
      Date.parse((await stack.docker.getContainer(`${name}-${id}-${stack.config.deployment}`).inspect()).State.StartedAt);
    const gap = (await started('front0')) - (await started('store0'));
    assert.ok(gap >= 2_000, `front0 started ${gap} ms after store0: it must wait for store0's port`);
    await alice('DELETE', `/execution/${id}`);
    await waitForStatus(alice, id, FINAL);
  });

  void it('fails the start with the reason when a port never opens within the readiness timeout', async () => {
    const port = { name: 'never', port_number: 9001, protocol: 'tcp', url_template: 'tcp://{ip_port}' };
    const id = await submit(zapp('never-ready', [service('store', 0, 'sleep 3600', { ports: [port] }), service('front', 1, 'sleep 3600')]));
    const ended = await waitForStatus(alice, id, FINAL, 60_000);
    assert.equal(ended.status, 'error');
    assert.match(ended.error_message ?? '', /store0 did not accept connections on 9001\/tcp within 4 s/);
    assert.deepEqual(await stack.containers(id), [], 'nothing left running');
  });

  void it('mounts the owner\'s workspace, created with the owner\'s uid, and keeps logs after the containers are gone', async () => {
    const id = await submit(zapp('writer', [service('job', 0, "sh -c 'echo line one; echo to-stderr >&2; echo $ZOE_UID > /mnt/workspace/uid-$EXECUTION_ID.txt; echo finished'")]));
    const ended = await waitForStatus(alice, id, FINAL);
    assert.equal(ended.error_message, 'essential service job0 exited with code 0');
    const workspace = join(stack.config.workspaceBase, stack.config.deployment, 'alice');
    const uid = (await stack.pool.query<{ fs_uid: number }>("SELECT fs_uid FROM \"user\" WHERE username = 'alice'")).rows[0]!.fs_uid;
    assert.equal(readFileSync(join(workspace, `uid-${id}.txt`), 'utf8').trim(), String(uid));
    assert.equal(statSync(workspace).uid, uid, 'the workspace belongs to the user');

    const serviceId = (ended.services as number[])[0]!;
    const logs = await fetch(`${stack.apiUrl}/service/logs/${serviceId}`, { headers: { authorization: `Basic ${Buffer.from('alice:alice-pass').toString('base64')}` } });
    assert.equal(logs.status, 200);
    const text = await logs.text();
    assert.match(text, /^\d{4}-\d\d-\d\dT\S+ line one$/m);
    assert.match(text, / to-stderr$/m);
    assert.match(text, / finished$/m);
    assert.equal((await caller(stack.apiUrl, 'bob', 'bob-pass')('GET', `/service/logs/${serviceId}`)).status, 404, 'not someone else\'s');

    const logDir = executionLogDir(stack.config.serviceLogsBase, stack.config.deployment, id);
    assert.ok(existsSync(logDir));
    assert.equal((await admin('DELETE', `/execution/delete/${id}`)).status, 204);
    assert.ok(!existsSync(logDir), 'deleting the record deletes its logs');
  });

  void it('follows a running service\'s output live, ending when the service ends', async () => {
    const id = await submit(zapp('ticker', [service('tick', 0, "sh -c 'for i in 1 2 3; do echo tick $i; sleep 1; done'")]));
    await waitForStatus(alice, id, (s) => s === 'running' || FINAL(s), 30_000, 20);
    const serviceId = ((await alice('GET', `/execution/${id}`)).body as { services: number[] }).services[0]!;
    const started = Date.now();
    const response = await fetch(`${stack.apiUrl}/service/logs/${serviceId}`, { headers: { authorization: `Basic ${Buffer.from('alice:alice-pass').toString('base64')}` } });
    const text = await response.text(); // resolves when the stream ends
    assert.match(text, /tick 1[\s\S]*tick 3/);
    assert.ok(Date.now() - started >= 1_000, 'the stream stayed open while the service ran');
    await waitForStatus(alice, id, FINAL);
  });

  void it('starts an elastic instance again when it dies, and keeps the execution running', async () => {
    const command = "sh -c 'if [ \"$SERVICE_NAME\" = worker1 ]; then sleep 1; exit 5; fi; sleep 3600'";
    const id = await submit(zapp('flaky', [{ ...service('worker', 0, command), total_count: 2 }]));
    await waitForStatus(alice, id, (s) => s === 'running');
    const deadline = Date.now() + 30_000;
    let restarts = 0;
    while (restarts < 2 && Date.now() < deadline) {
      restarts = (await stack.pool.query<{ restart_count: number }>(
        "SELECT restart_count FROM service WHERE execution_id = $1 AND name = 'worker1'", [id])).rows[0]!.restart_count;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(restarts >= 2, `worker1 was started again after dying (restart_count ${restarts})`);
    const execution = (await alice('GET', `/execution/${id}`)).body as { status: string };
    assert.equal(execution.status, 'running', 'an elastic death does not end the execution');
    await alice('DELETE', `/execution/${id}`);
    await waitForStatus(alice, id, FINAL);
    assert.deepEqual(await stack.containers(id), []);
  });

  void it('removes containers that no live execution owns, and leaves the others alone', async () => {
    const live = await submit(zapp('live', [service('keep', 0, 'sleep 3600')]));
    await waitForStatus(alice, live, (s) => s === 'running');
    const orphan = await stack.docker.createContainer({
      name: `orphan0-99999-${stack.config.deployment}`, Image: 'zoe-local/busybox:1', Cmd: ['sleep', '3600'],
      Labels: { zoe_deployment_name: stack.config.deployment, zoe_execution_id: '99999', zoe_service_name: 'orphan0' },
      HostConfig: { Init: true },
    });
    await orphan.start();
    const report = await reconcileOrphans(stack.temporal, stack.backend, stack.config.deployment, createLogger('test', 'error'));
    assert.deepEqual(report.removed, [{ host: 'local', executionId: 99999, instances: ['orphan0'] }]);
    assert.equal((await stack.containers(99999)).length, 0);
    assert.equal((await stack.containers(live)).length, 1, 'the live execution keeps its container');
    await alice('DELETE', `/execution/${live}`);
    await waitForStatus(alice, live, FINAL);
  });
});
