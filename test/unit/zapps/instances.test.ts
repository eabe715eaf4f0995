import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandInstances, instanceEnvironment, portUrl, type ExecutionContext } from '../../../zapps/instances.js';
import type { ZApp } from '../../../zapps/schema.js';
import { validateZApp } from '../../../zapps/validate.js';
import { baseZApp, deepFreeze, GiB, limits } from './helpers.js';

function validBase(edit: (zapp: ReturnType<typeof baseZApp>) => void = () => {}): ZApp {
  const input = baseZApp();
  edit(input);
  const result = validateZApp(input, limits);
  assert.ok(result.valid, JSON.stringify(result));
  return deepFreeze(result.zapp);
}

const ctx: ExecutionContext = { executionId: 42, executionName: 'my run', userName: 'alice', uid: 1001, gid: 100, deployment: 'prod' };

void describe('instance expansion', () => {
  void it('names instances <service><n>, essential ones first, with cores.min null as 0.1', () => {
    const instances = expandInstances(validBase());
    assert.deepEqual(instances.map((i) => [i.instance, i.service, i.essential, i.cores, i.memory]), [
      ['master0', 'master', true, 1, GiB],
      ['worker0', 'worker', true, 0.1, 2 * GiB],
      ['worker1', 'worker', false, 0.1, 2 * GiB],
      ['worker2', 'worker', false, 0.1, 2 * GiB],
    ]);
  });

  void it('carries every field a back-end needs, and optional ones only when set', () => {
    const [master, worker] = expandInstances(validBase());
    assert.deepEqual(master, {
      instance: 'master0', service: 'master', essential: true, startupOrder: 0, memory: GiB, cores: 1,
      image: 'zapps/spark-master:10396', command: null,
      ports: [{ name: 'Web UI', port_number: 8080, protocol: 'tcp', url_template: 'http://{ip_port}{proxy_path}', proxy: true }],
      environment: [['MASTER_HOST', '{dns_name#self}'], ['OWNER', '{user_name}']],
      volumes: [{ name: 'data', path: '/srv/data', read_only: true }],
      labels: [], monitor: true,
    });
    assert.equal(worker?.shm, 65536);
    assert.equal(worker?.workDir, '/opt');
    assert.equal(worker?.network, 'zoe');
    assert.deepEqual(worker?.labels, ['gpu']);
    assert.equal(worker?.command, '/opt/start-worker.sh');
  });

  void it('does not share arrays with the (frozen) ZApp, so callers may adjust a spec', () => {
    const zapp = validBase();
    const [master] = expandInstances(zapp);
    assert.ok(master);
    master.labels.push('x');
    master.environment.push(['A', 'b']);
    assert.notEqual(master.ports[0], zapp.services[0]?.ports[0]);
  });

  void it('renders templates and appends the injected variables once', () => {
    const zapp = validBase((input) => {
      const services = input.services as { environment: [string, string][] }[];
      services[1]?.environment.push(['ZOE_USER', 'spoofed'], ['WHO', '{user_name} in {execution_name} ({execution_id}) on {deployment_name}']);
    });
    const worker1 = expandInstances(zapp).find((i) => i.instance === 'worker1');
    assert.ok(worker1);
    assert.deepEqual(instanceEnvironment(worker1, ctx), [
      ['SPARK_MASTER', 'spark://master0-42-prod:7077'],
      ['LITERAL', '{not a variable}'],
      ['WHO', 'alice in my run (42) on prod'],
      ['EXECUTION_ID', '42'],
      ['DEPLOY_NAME', 'prod'],
      ['ZOE_USER', 'alice'],
      ['ZOE_UID', '1001'],
      ['ZOE_GID', '100'],
      ['ZOE_WORKSPACE', '/mnt/workspace'],
      ['SERVICE_NAME', 'worker1'],
    ]);
  });

  void it('resolves {dns_name#self} to the instance itself', () => {
    const [master] = expandInstances(validBase());
    assert.ok(master);
    assert.deepEqual(instanceEnvironment(master, ctx).slice(0, 2), [['MASTER_HOST', 'master0-42-prod'], ['OWNER', 'alice']]);
  });

  void it('renders {proxy_path} as empty without a proxy instead of failing', () => {
    const [master] = expandInstances(validBase());
    const port = master?.ports[0];
    assert.ok(master && port);
    assert.equal(portUrl(master, port, ctx, { ipPort: '10.0.0.5:32768' }), 'http://10.0.0.5:32768');
    assert.equal(portUrl(master, port, ctx, { ipPort: '10.0.0.5:32768', proxyPath: '/proxy/abc' }), 'http://10.0.0.5:32768/proxy/abc');
    assert.equal(portUrl(master, { ...port, proxy: false }, ctx, { ipPort: 'h:1', proxyPath: '/proxy/abc' }), 'http://h:1');
  });
});
