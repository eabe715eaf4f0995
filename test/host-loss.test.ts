// A host that goes away, end to end: the machine's engine as host `home`, and a second, private
// engine reached through a relay socket as host `away`, which the test cuts off. A host that stops
// answering receives no new work at once; once it is lost, an execution whose essential service
// ran there ends with the reason; when the host answers again it takes work again and its
// leftovers are reconciled away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { createLogger } from '../log/logger.js';
import { reconcileOrphans } from '../worker/reconcile.js';
import { schedulerWorkflowId } from '../workflows/ids.js';
import { snapshotQuery } from '../workflows/messages.js';
import { caller, waitForStatus, type Caller } from './helpers/api.js';
import { engineRelay, type EngineRelay } from './helpers/engine-relay.js';
import { startSecondEngine, type SecondEngine } from './helpers/second-engine.js';
import { startTestStack, type TestStack } from './helpers/stack.js';

const MiB = 1024 ** 2;
const job = (name: string, labels: string[]) => ({
  name, version: 3, will_end: false, size: 1,
  services: [{
    name: 'job', image: 'zoe-local/busybox:1', monitor: true, startup_order: 0, essential_count: 1, total_count: 1,
    resources: { memory: { min: 16 * MiB, max: 16 * MiB }, cores: { min: 0.1, max: 0.1 } },
    ports: [], environment: [], volumes: [], command: 'sleep 3600', labels,
  }],
});

void describe('a lost host', () => {
  let stack: TestStack;
  let relay: EngineRelay;
  let engine: SecondEngine;
  let alice: Caller;

  before(async () => {
    engine = await startSecondEngine();
    relay = engineRelay(engine.socketPath);
    await relay.start();
    const address = { externalAddress: '127.0.0.1', publishAddress: '127.0.0.1' };
    stack = await startTestStack({
      env: { ZOE_HOST_REFRESH_INTERVAL: '1', ZOE_HOST_LOSS_GRACE: '4' },
      hosts: [
        { name: 'home', docker: new Docker(), labels: ['home'], ...address },
        { name: 'away', docker: new Docker({ socketPath: relay.socketPath }), labels: ['away'], ...address },
      ],
    });
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  });
  after(async () => {
    await relay.start();
    await stack.stop();
    await relay.stop();
    await engine.stop();
  });

  const submit = async (name: string, labels: string[]) =>
    ((await alice('POST', '/execution', { name, application: job(name, labels) })).body as { execution_id: number }).execution_id;
  const snapshot = () => stack.temporal.workflow.getHandle(schedulerWorkflowId(stack.config.deployment)).query(snapshotQuery);
  const schedulerSays = async () => JSON.stringify(await snapshot());
  async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`waited ${timeoutMs} ms for ${what}; scheduler: ${await schedulerSays()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  void it('ends an execution whose essential service was on it, gives work elsewhere meanwhile, and reconciles leftovers', async () => {
    const victim = await submit('victim', ['away']);
    await waitForStatus(alice, victim, (s) => s === 'running');
    await relay.stop();
    // The next host refresh (every second here) finds the engine silent.
    await until(async () => (await snapshot()).hosts.some((h) => h.name === 'away' && !h.online), 'the scheduler to see host away offline');

    // Offline at once: work that needs this host waits, saying why; work for the other host runs.
    const waiting = await submit('waiter', ['away']);
    const queued = await waitForStatus(alice, waiting, (s) => s === 'queued');
    assert.equal(queued.status, 'queued');
    const elsewhere = await submit('elsewhere', ['home']);
    await waitForStatus(alice, elsewhere, (s) => s === 'running');

    const ended = await waitForStatus(alice, victim, (s) => s === 'terminated' || s === 'error', 60_000)
      .catch(async (error: Error) => assert.fail(`${error.message}; scheduler: ${await schedulerSays()}`));
    assert.equal(ended.status, 'terminated');
    assert.match(ended.error_message ?? '', /host away was lost: its engine has not answered for \d+ s; essential service job0 was on it/);
    const onAway = () => engine.docker.listContainers({ all: true, filters: { label: [`zoe_execution_id=${victim}`] } });
    assert.equal((await onAway()).length, 1, 'the lost host\'s container could not be removed');

    // The host answers again: it takes work again, and its leftovers are reconciled away.
    await relay.start();
    const admitted = await waitForStatus(alice, waiting, (s) => s === 'running', 60_000)
      .catch(async (error: Error) => assert.fail(`${error.message}; scheduler: ${await schedulerSays()}`));
    assert.equal(admitted.status, 'running');
    const report = await reconcileOrphans(stack.temporal, stack.hosts, stack.config.deployment, createLogger('test', 'error'));
    assert.ok(report.removed.some((r) => r.executionId === victim), 'the lost execution\'s container is removed');
    assert.equal((await onAway()).length, 0);
    for (const id of [waiting, elsewhere]) await alice('DELETE', `/execution/${id}`);
    for (const id of [waiting, elsewhere]) await waitForStatus(alice, id, (s) => s === 'terminated');
  });
});
