// Several Docker hosts (the machine's engine as host `home`, and a second, private engine reached
// through a relay socket as host `away`, which the test can cut off): placement follows labels; a
// host that stops answering receives no new work; once it is lost, an execution whose essential
// service ran there ends with the reason; its leftovers are reconciled when the host answers again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { createLogger } from '../log/logger.js';
import { reconcileOrphans } from '../worker/reconcile.js';
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

void describe('several hosts', () => {
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

  const hostOf = async (id: number) =>
    ((await stack.pool.query<{ backend_host: string }>('SELECT backend_host FROM service WHERE execution_id = $1', [id])).rows[0]?.backend_host);

  void it('places services on the hosts whose labels they ask for', async () => {
    const home = ((await alice('POST', '/execution', { name: 'h', application: job('at-home', ['home']) })).body as { execution_id: number }).execution_id;
    const away = ((await alice('POST', '/execution', { name: 'a', application: job('away-job', ['away']) })).body as { execution_id: number }).execution_id;
    await waitForStatus(alice, home, (s) => s === 'running');
    await waitForStatus(alice, away, (s) => s === 'running');
    assert.equal(await hostOf(home), 'home');
    assert.equal(await hostOf(away), 'away');
    for (const id of [home, away]) await alice('DELETE', `/execution/${id}`);
    for (const id of [home, away]) await waitForStatus(alice, id, (s) => s === 'terminated');
  });

  void it('ends an execution whose essential service was on a lost host, gives new work elsewhere, and reconciles leftovers', async () => {
    const victim = ((await alice('POST', '/execution', { name: 'v', application: job('victim', ['away']) })).body as { execution_id: number }).execution_id;
    await waitForStatus(alice, victim, (s) => s === 'running');
    await relay.stop();

    // Offline at once: work that needs this host waits, saying why.
    const waiting = ((await alice('POST', '/execution', { name: 'w', application: job('waiter', ['away']) })).body as { execution_id: number }).execution_id;
    const queued = await waitForStatus(alice, waiting, (s) => s === 'queued');
    assert.equal(queued.status, 'queued');

    const ended = await waitForStatus(alice, victim, (s) => s === 'terminated' || s === 'error', 60_000);
    assert.equal(ended.status, 'terminated');
    assert.match(ended.error_message ?? '', /host away was lost: its engine has not answered for \d+ s; essential service job0 was on it/);
    const onAway = () => engine.docker.listContainers({ all: true, filters: { label: [`zoe_execution_id=${victim}`] } });
    assert.equal((await onAway()).length, 1, 'the lost host\'s container could not be removed');

    // The host answers again: it takes work again, and its leftovers are reconciled away.
    await relay.start();
    const admitted = await waitForStatus(alice, waiting, (s) => s === 'running', 60_000);
    assert.equal(admitted.status, 'running');
    const report = await reconcileOrphans(stack.temporal, stack.hosts, stack.config.deployment, createLogger('test', 'error'));
    assert.ok(report.removed.some((r) => r.executionId === victim), 'the lost execution\'s container is removed');
    assert.equal((await onAway()).length, 0);
    await alice('DELETE', `/execution/${waiting}`);
    await waitForStatus(alice, waiting, (s) => s === 'terminated');
  });
});
