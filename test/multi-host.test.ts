// Several Docker hosts: the machine's engine as host `home`, and a second, private engine reached
// through a relay socket as host `away`. Placement follows the hosts' labels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
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
});
