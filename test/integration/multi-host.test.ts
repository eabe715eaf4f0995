// Several Docker hosts: the machine's engine as host `home`, and a second, private engine reached
// through a relay socket as host `away`. Placement follows the hosts' labels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitForStatus } from '../helpers/api.js';
import { labelledJob as job, startTwoHosts, type TwoHosts } from '../helpers/two-hosts.js';

void describe('several hosts', () => {
  let hosts: TwoHosts;
  before(async () => {
    hosts = await startTwoHosts();
  });
  after(() => hosts?.stop());

  const hostOf = async (id: number) =>
    ((await hosts.stack.pool.query<{ backend_host: string }>('SELECT backend_host FROM service WHERE execution_id = $1', [id])).rows[0]?.backend_host);

  void it('places services on the hosts whose labels they ask for', async () => {
    const home = ((await hosts.alice('POST', '/execution', { name: 'h', application: job('at-home', ['home']) })).body as { execution_id: number }).execution_id;
    const away = ((await hosts.alice('POST', '/execution', { name: 'a', application: job('away-job', ['away']) })).body as { execution_id: number }).execution_id;
    await waitForStatus(hosts.alice, home, (s) => s === 'running');
    await waitForStatus(hosts.alice, away, (s) => s === 'running');
    assert.equal(await hostOf(home), 'home');
    assert.equal(await hostOf(away), 'away');
    for (const id of [home, away]) await hosts.alice('DELETE', `/execution/${id}`);
    for (const id of [home, away]) await waitForStatus(hosts.alice, id, (s) => s === 'terminated');
  });
});
