// The scheduler through the real stack: an execution that does not fit waits in the queue with its
// position and the reason; the statistics show the host's reservations in Zoe's shape; releasing
// resources admits the waiting execution at once (no polling interval).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caller, waitForStatus, type Caller } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const GiB = 1024 ** 3;

void describe('scheduler visibility and admission on release', () => {
  let stack: TestStack;
  let alice: Caller;
  let hostMemory: number;

  before(async () => {
    stack = await startTestStack();
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    hostMemory = ((await stack.docker.info()) as { MemTotal: number }).MemTotal;
    await stack.pool.query("UPDATE quota SET memory = 0, cores = 0 WHERE name = 'default'");
  });
  after(() => stack.stop());

  const big = (name: string) => ({
    name, version: 3, will_end: false, size: 1,
    services: [{
      name: 'hog', image: 'zoe-local/busybox:1', monitor: true, startup_order: 0, essential_count: 1, total_count: 1,
      resources: { memory: { min: Math.floor(hostMemory * 0.6), max: Math.floor(hostMemory * 0.6) }, cores: { min: 0.1, max: 0.1 } },
      ports: [], environment: [], volumes: [], command: 'sleep 3600',
    }],
  });

  void it('queues what does not fit, says why, and admits it as soon as resources are released', async () => {
    const first = ((await alice('POST', '/execution', { name: 'first', application: big('first') })).body as { execution_id: number }).execution_id;
    await waitForStatus(alice, first, (s) => s === 'running');
    const second = ((await alice('POST', '/execution', { name: 'second', application: big('second') })).body as { execution_id: number }).execution_id;
    await waitForStatus(alice, second, (s) => s === 'queued');

    let waiting: { queue_position?: number; waiting_reason?: string } = {};
    const deadline = Date.now() + 15_000;
    while (waiting.queue_position === undefined && Date.now() < deadline) {
      waiting = (await alice('GET', `/execution/${second}`)).body as typeof waiting;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(waiting.queue_position, 1);
    assert.match(waiting.waiting_reason ?? '', /memory/);
    assert.match(waiting.waiting_reason ?? '', /hog0/);

    const stats = (await alice('GET', '/statistics/scheduler')).body as {
      queue_length: number; queue: number[]; running_queue: number[];
      platform_stats: { nodes: Array<{ name: string; memory_reserved: number; memory_total: number; status: string }> };
      waiting: Array<{ executionId: number; position: number }>;
    };
    assert.equal(stats.queue_length, 1);
    assert.deepEqual(stats.queue, [second]);
    assert.deepEqual(stats.running_queue, [first]);
    assert.equal(stats.platform_stats.nodes[0]?.name, 'local');
    assert.equal(stats.platform_stats.nodes[0]?.status, 'online');
    assert.equal(stats.platform_stats.nodes[0]?.memory_reserved, Math.floor(hostMemory * 0.6));
    assert.equal(stats.platform_stats.nodes[0]?.memory_total, hostMemory);
    assert.deepEqual(stats.waiting.map((w) => [w.executionId, w.position]), [[second, 1]]);
    assert.equal((await caller(stack.apiUrl)('GET', '/statistics/scheduler')).status, 401, 'statistics need a login');

    await alice('DELETE', `/execution/${first}`);
    const terminatedAt = Date.now();
    await waitForStatus(alice, first, (s) => s === 'terminated');
    const running = await waitForStatus(alice, second, (s) => s === 'running' || s === 'error', 30_000, 50);
    assert.equal(running.status, 'running');
    // The release triggers a scheduling pass at once (the original polled every 60 s).
    assert.ok(Date.now() - terminatedAt < 15_000, `admitted ${Date.now() - terminatedAt} ms after the release`);
    await alice('DELETE', `/execution/${second}`);
    await waitForStatus(alice, second, (s) => s === 'terminated');
  });

  void it('refuses at submit what could not fit even on the empty pool, naming the host capacity', async () => {
    const tooBig = big('huge');
    tooBig.services[0]!.resources.memory = { min: hostMemory + GiB, max: hostMemory + GiB };
    const reply = await alice('POST', '/execution', { name: 'huge', application: tooBig });
    assert.equal(reply.status, 400);
    assert.match((reply.body as { error: { message: string } }).error.message, /can never run here: .*hog0/);
  });
});
