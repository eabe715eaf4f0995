// Smoke test of the Kubernetes test cluster, end to end and by hand (not part of `npm test`): builds
// the binaries (or reuses the cache), starts a cluster, imports zoe-local/busybox:1 from the Docker
// Engine, runs two pods of one headless Service that reach each other by DNS name (the way the
// Kubernetes back-end will run an execution's services), reaches one through a NodePort from the
// host, and stops the cluster. Prints how long each phase took.
//   node --import tsx stack/kubernetes/smoke.ts [--slot N] [--api-port P]
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../log/logger.js';
import { ensureDockerEngine } from '../docker-engine.js';
import { ensureLocalImages } from '../images.js';
import { type ApiAccess, kubeApi, kubeJson } from './api.js';
import { ensureKubernetesBinaries } from './build.js';
import { type KubernetesCluster, startKubernetes } from './cluster.js';
import { sleep } from './proc.js';

const log = createLogger('k8s-smoke');
const IMAGE = 'zoe-local/busybox:1';
const timings: Array<[string, number]> = [];

async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await body();
  } finally {
    timings.push([name, (Date.now() - started) / 1000]);
    log.info(`${name}: ${((Date.now() - started) / 1000).toFixed(2)} s`);
  }
}

function option(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : undefined;
}

interface Pod {
  status?: { phase?: string; podIP?: string; containerStatuses?: Array<{ state?: { terminated?: { exitCode: number } } }> };
}

async function main(): Promise<void> {
  await phase('docker engine and local images', async () => {
    const engine = await ensureDockerEngine(join(tmpdir(), 'zoe-k8s-smoke-dockerd'), log); // the folder is used only if it starts one
    await ensureLocalImages(engine.docker, log);
  });
  await phase('build (or cached binaries)', () => ensureKubernetesBinaries(log));
  const cluster = await phase('start cluster', () => startKubernetes({ log, slot: option('--slot'), apiPort: option('--api-port') }));
  let failed = false;
  try {
    await phase(`import ${IMAGE}`, () => cluster.importImage(IMAGE));
    await phase('import again (skipped: same image id)', () => cluster.importImage(IMAGE));
    await exercise(cluster);
  } catch (error) {
    failed = true;
    log.error(error instanceof Error ? error.message : String(error));
    log.error(`component logs: ${cluster.logDir}`);
  } finally {
    await phase('stop cluster', () => cluster.stop());
  }
  console.log(`\n${'phase'.padEnd(52)} seconds`);
  for (const [name, seconds] of timings) console.log(`${name.padEnd(52)} ${seconds.toFixed(2).padStart(7)}`);
  if (failed) process.exitCode = 1;
  else console.log('\nsmoke test passed');
}

async function exercise(cluster: KubernetesCluster): Promise<void> {
  const api: ApiAccess = cluster;
  const ns = `smoke-${randomBytes(3).toString('hex')}`;
  const fqdn = `server.smoke.${ns}.svc.${cluster.clusterDomain}`;
  await phase('namespace, headless service, server pod running', async () => {
    await kubeJson(api, 'POST', '/api/v1/namespaces', { metadata: { name: ns } });
    await kubeJson(api, 'POST', `/api/v1/namespaces/${ns}/services`, {
      metadata: { name: 'smoke' },
      spec: { clusterIP: 'None', selector: { app: 'smoke' }, ports: [{ name: 'tcp', port: 8080 }] },
    });
    await kubeJson(api, 'POST', `/api/v1/namespaces/${ns}/pods`, pod('server', { role: 'server' },
      ['nc', '-ll', '-p', '8080', '-e', 'echo', 'hello-from-server'], 'Always', 'IfNotPresent'));
    await waitPod(api, ns, 'server', (p) => p.status?.phase === 'Running', 60_000);
  });

  await phase('client pod resolves and reaches server by name', async () => {
    const script = [
      'cat /etc/resolv.conf',
      `for i in $(seq 1 60); do nslookup ${fqdn} >/dev/null 2>&1 && break; sleep 1; done`,
      `nslookup ${fqdn} || exit 2`,
      `out=$(nc -w 3 ${fqdn} 8080 </dev/null); echo "full name answered: $out"; [ "$out" = hello-from-server ] || exit 3`,
      'out=$(nc -w 3 server.smoke 8080 </dev/null); echo "short name answered: $out"; [ "$out" = hello-from-server ] || exit 4',
      'echo "my own name: $(hostname -f)"',
    ].join('\n');
    await kubeJson(api, 'POST', `/api/v1/namespaces/${ns}/pods`, pod('client', { role: 'client' }, ['sh', '-c', script], 'Never', 'Never'));
    const done = await waitPod(api, ns, 'client', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', 120_000);
    const logs = (await kubeApi(api, 'GET', `/api/v1/namespaces/${ns}/pods/client/log`)).text;
    console.log(`--- client pod log\n${logs.trimEnd()}\n---`);
    const exit = done.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
    if (done.status?.phase !== 'Succeeded') throw new Error(`the client pod failed (exit code ${exit}): DNS or pod-to-pod traffic does not work`);
  });

  await phase('host resolves the pod name through CoreDNS', async () => {
    const resolver = new Resolver({ timeout: 2_000, tries: 2 });
    resolver.setServers([cluster.dnsAddress]);
    const addresses = await resolver.resolve4(fqdn);
    log.info(`${fqdn} -> ${addresses.join(', ')} (from the host, server ${cluster.dnsAddress})`);
  });

  await phase('NodePort answers from the host', async () => {
    const service = await kubeJson<{ spec: { ports: Array<{ nodePort: number }> } }>(api, 'POST', `/api/v1/namespaces/${ns}/services`, {
      metadata: { name: 'smoke-nodeport' },
      spec: { type: 'NodePort', selector: { role: 'server' }, ports: [{ port: 8080, targetPort: 8080 }] },
    });
    const nodePort = service.spec.ports[0]?.nodePort;
    if (!nodePort) throw new Error('the NodePort service got no node port');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await readTcp(cluster.nodeAddress, nodePort).catch((error: Error) => `(${error.message})`);
      if (answer.trim() === 'hello-from-server') {
        log.info(`${cluster.nodeAddress}:${nodePort} answered "${answer.trim()}" from the host`);
        return;
      }
      if (Date.now() > deadline) throw new Error(`NodePort ${cluster.nodeAddress}:${nodePort} did not answer from the host: ${answer}`);
      await sleep(300);
    }
  });

  await phase('delete namespace (not waiting)', () => kubeJson(api, 'DELETE', `/api/v1/namespaces/${ns}`));
}

/** A pod of the headless Service `smoke`, named `<name>.smoke` in DNS; the image is never pulled (no registry). */
function pod(name: string, labels: Record<string, string>, command: string[], restartPolicy: string, imagePullPolicy: string): unknown {
  return {
    metadata: { name, labels: { app: 'smoke', ...labels } },
    spec: {
      hostname: name,
      subdomain: 'smoke',
      restartPolicy,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: IMAGE, imagePullPolicy, command }],
    },
  };
}

async function waitPod(api: ApiAccess, ns: string, name: string, done: (p: Pod) => boolean, timeoutMs: number): Promise<Pod> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await kubeJson<Pod>(api, 'GET', `/api/v1/namespaces/${ns}/pods/${name}`);
    if (done(current)) return current;
    if (Date.now() > deadline) throw new Error(`pod ${ns}/${name} did not get there in ${timeoutMs / 1000} s: ${JSON.stringify(current.status)}`);
    await sleep(250);
  }
}

function readTcp(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 3_000 });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('timeout', () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}

await main();
