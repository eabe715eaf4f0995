// A host that goes away, end to end: the machine's engine as host `home`, and a second, private
// engine reached through a relay socket as host `away`, which the test cuts off. A host that stops
// answering receives no new work at once; once it is lost, an execution whose essential service
// ran there ends with the reason; when the host answers again it takes work again and its
// leftovers are reconciled away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../log/logger.js';
import { reconcileOrphans } from '../../worker/reconcile.js';
import { schedulerWorkflowId } from '../../model/naming.js';
import { snapshotQuery } from '../../workflows/messages.js';
import { waitForStatus } from '../helpers/api.js';
import { labelledJob as job, startTwoHosts, type TwoHosts } from '../helpers/two-hosts.js';

void describe('a lost host', () => {
  let hosts: TwoHosts;
  before(async () => {
    hosts = await startTwoHosts({ ZOE_HOST_REFRESH_INTERVAL: '1', ZOE_HOST_LOSS_GRACE: '4' });
  });
  after(() => hosts?.stop());

  const submit = async (name: string, labels: string[]) =>
    ((await hosts.alice('POST', '/execution', { name, application: job(name, labels) })).body as { execution_id: number }).execution_id;
  const snapshot = () => hosts.stack.temporal.workflow.getHandle(schedulerWorkflowId(hosts.stack.config.deployment)).query(snapshotQuery);
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
    await waitForStatus(hosts.alice, victim, (s) => s === 'running');
    await hosts.relay.stop();
    // The next host refresh (every second here) finds the engine silent.
    await until(async () => (await snapshot()).hosts.some((h) => h.name === 'away' && !h.online), 'the scheduler to see host away offline');

    // Offline at once: work that needs this host waits, saying why; work for the other host runs.
    const waiting = await submit('waiter', ['away']);
    const queued = await waitForStatus(hosts.alice, waiting, (s) => s === 'queued');
    assert.equal(queued.status, 'queued');
    const elsewhere = await submit('elsewhere', ['home']);
    await waitForStatus(hosts.alice, elsewhere, (s) => s === 'running');

    const ended = await waitForStatus(hosts.alice, victim, (s) => s === 'terminated' || s === 'error', 60_000)
      .catch(async (error: Error) => assert.fail(`${error.message}; scheduler: ${await schedulerSays()}`));
    assert.equal(ended.status, 'terminated');
    assert.match(ended.error_message ?? '', /host away was lost: its engine has not answered for \d+ s; essential service job0 was on it/);
    const onAway = () => hosts.engine.docker.listContainers({ all: true, filters: { label: [`zoe_execution_id=${victim}`] } });
    assert.equal((await onAway()).length, 1, 'the lost host\'s container could not be removed');

    // The host answers again: it takes work again, and its leftovers are reconciled away.
    await hosts.relay.start();
    const admitted = await waitForStatus(hosts.alice, waiting, (s) => s === 'running', 60_000)
      .catch(async (error: Error) => assert.fail(`${error.message}; scheduler: ${await schedulerSays()}`));
    assert.equal(admitted.status, 'running');
    const report = await reconcileOrphans(hosts.stack.temporal, hosts.stack.backend, hosts.stack.config.deployment, createLogger('test', 'error'));
    assert.ok(report.removed.some((r) => r.executionId === victim), 'the lost execution\'s container is removed');
    assert.equal((await onAway()).length, 0);
    for (const id of [waiting, elsewhere]) await hosts.alice('DELETE', `/execution/${id}`);
    for (const id of [waiting, elsewhere]) await waitForStatus(hosts.alice, id, (s) => s === 'terminated');
  });
});
