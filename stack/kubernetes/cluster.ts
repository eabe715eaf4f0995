// Starts and stops a real single-node Kubernetes for the tests of the Kubernetes back-end: etcd, the
// API server, controller manager, scheduler, a containerd of its own, the kubelet, kube-proxy and
// CoreDNS, all inside a private network namespace, from binaries built once (build.ts). Port of the
// measured recipe in /work/shared/kubernetes (which users of the project do not have).
//
// Each cluster lives in a slot (slot.ts) with its API server on 127.0.0.1:<6443+slot>; what a crashed
// run left in the slot is torn down before a new start.
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/logger.js';
import { type ApiAccess, kubeApi } from './api.js';
import { ensureKubernetesBinaries } from './build.js';
import { CLUSTER_DOMAIN, cniConflist, containerdToml, corefile, kubeletYaml, POD_CIDR, SERVICE_API_IP, SERVICE_CIDR } from './configs.js';
import { cniBinDir, createCgroupRoot, createNetwork, ensureHostPackages, netnsPath } from './host.js';
import { ctrImport, importFromDocker, PAUSE_IMAGE, writeImageArchive } from './images.js';
import { createPki, writeKubeconfig } from './pki.js';
import { type Daemon, running, sh, sleep, startDaemon, tail } from './proc.js';
import { claimSlot, type Component, pidFile, slotPaths, teardown } from './slot.js';

export { stopLeftoverClusters } from './slot.js';

export interface StartKubernetesOptions {
  log: Logger;
  /** 0–255; default: the first of slots 0–7 that no live process holds. */
  slot?: number;
  /** Host port of the API server on 127.0.0.1; default 6443 + slot (another free port if that one is taken). */
  apiPort?: number;
}

const API_PORT_IN_NODE = 6443;

export interface KubernetesCluster extends ApiAccess {
  slot: number;
  /** Admin kubeconfig (static token, CA inline) for clients on the host: @kubernetes/client-node, kubectl. */
  kubeconfigPath: string;
  nodeName: string;
  /** The node's InternalIP; the host reaches NodePort Services (and hostPorts) at nodeAddress:port. */
  nodeAddress: string;
  /** CoreDNS, as pods see it (also queryable from the host). */
  dnsAddress: string;
  clusterDomain: string;
  /** One log file per component. */
  logDir: string;
  /** Copies an image from the local Docker Engine into the node (the cluster cannot pull). */
  importImage(dockerImageRef: string): Promise<void>;
  /** Stops every process of the cluster, removes its pods, mounts, namespace and data; keeps the logs. */
  stop(): Promise<void>;
}

export async function startKubernetes(options: StartKubernetesOptions): Promise<KubernetesCluster> {
  const { log } = options;
  const begun = Date.now();
  ensureHostPackages(log);
  const bin = await ensureKubernetesBinaries(log);
  const { slot, lock } = await claimSlot(options.slot);
  const s = slotPaths(slot);
  try {
    if (await teardown(s)) log.info(`removed what an earlier run left of Kubernetes slot ${slot}`);
    const apiPort = await chooseApiPort(options.apiPort, slot, log);
    for (const dir of [s.dir, s.dataDir, s.configDir, s.pidDir, s.stateDir]) mkdirSync(dir, { recursive: true });
    rmSync(s.logDir, { recursive: true, force: true });
    mkdirSync(s.logDir, { recursive: true });
    createNetwork(s.net);
    const nodeIp = s.net.nodeIp;

    const pki = createPki(join(s.configDir, 'pki'), {
      ips: ['127.0.0.1', nodeIp, SERVICE_API_IP],
      dns: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${CLUSTER_DOMAIN}`],
    });
    const access: ApiAccess = { server: `https://127.0.0.1:${apiPort}`, token: pki.token, caPem: pki.caPem };
    writeKubeconfig(s.kubeconfig, access.server, pki, `zoe-k8s-${slot}`);
    writeKubeconfig(s.internalKubeconfig, `https://127.0.0.1:${API_PORT_IN_NODE}`, pki, `zoe-k8s-${slot}`);
    const cniConfDir = join(s.configDir, 'cni');
    mkdirSync(cniConfDir, { recursive: true });
    const file = (name: string, text: string) => {
      writeFileSync(join(s.configDir, name), text);
      return join(s.configDir, name);
    };
    const containerdConfig = file('containerd.toml', containerdToml({
      root: join(s.dataDir, 'containerd'), state: join(s.stateDir, 'containerd'), socket: s.socket, cniConfDir, cniBinDir,
    }));
    writeFileSync(join(cniConfDir, '10-bridge.conflist'), cniConflist({ network: s.cniNetwork, ipamDir: join(s.dataDir, 'cni-ipam') }));
    const kubeletConfig = file('kubelet.yaml', kubeletYaml({ socket: s.socket, nodeIp, cgroupRoot: `/${s.cgroup}`, podLogsDir: join(s.dataDir, 'pod-logs') }));
    const corednsConfig = file('Corefile', corefile({ nodeIp, kubeconfig: s.internalKubeconfig }));

    const inNode = (name: Component, argv: string[]) =>
      startDaemon(name, ['nsenter', `--net=${netnsPath(s.net)}`, '--', ...argv], { logFile: join(s.logDir, `${name}.log`), pidFile: pidFile(s, name) });
    const kc = s.internalKubeconfig;

    const etcd = inNode('etcd', [bin.etcd, '--name', 'zoe', '--data-dir', join(s.dataDir, 'etcd'),
      '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379',
      '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
      '--initial-cluster', 'zoe=http://127.0.0.1:2380', '--unsafe-no-fsync', '--log-level', 'warn']);
    const containerd = inNode('containerd', ['containerd', '--config', containerdConfig]);
    const apiserver = inNode('kube-apiserver', [bin.kubeApiserver, '--etcd-servers=http://127.0.0.1:2379',
      `--advertise-address=${nodeIp}`, `--secure-port=${API_PORT_IN_NODE}`,
      `--tls-cert-file=${pki.apiserverCert}`, `--tls-private-key-file=${pki.apiserverKey}`, `--token-auth-file=${pki.tokensCsv}`,
      '--authorization-mode=Node,RBAC', `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
      `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--kubelet-preferred-address-types=InternalIP', // or logs and exec fail on a DNS lookup of the node name
      '--enable-priority-and-fairness=false', '--profiling=false', '--v=1']);
    // The host's 127.0.0.1:<apiPort> to the API server on the node address (routed over the veth pair).
    const socat = startDaemon('socat', ['socat', '-lf', join(s.logDir, 'socat.log'),
      `TCP-LISTEN:${apiPort},bind=127.0.0.1,fork,reuseaddr`, `TCP:${nodeIp}:${API_PORT_IN_NODE}`],
    { logFile: join(s.logDir, 'socat.log'), pidFile: pidFile(s, 'socat') });

    const pauseTar = join(s.dataDir, 'pause.tar');
    writeImageArchive({ reference: PAUSE_IMAGE, files: [{ from: bin.pause, to: '/pause' }], entrypoint: ['/pause'], user: '65535:65535' }, pauseTar);
    await waitUntil('containerd to answer', 30_000, [containerd], () =>
      Promise.resolve(sh('ctr', ['-a', s.socket, 'version'], { allowFailure: true }).status === 0));
    await ctrImport(s.socket, pauseTar);
    await waitUntil('the API server to be ready', 120_000, [etcd, apiserver, socat], async () =>
      (await kubeApi(access, 'GET', '/readyz', undefined, 3_000)).status === 200);
    const controlPlaneReady = Date.now();

    createCgroupRoot(s.cgroup);
    const controlArgs = [`--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', '--v=1'];
    const kcm = inNode('kube-controller-manager', [bin.kubeControllerManager, ...controlArgs,
      `--service-account-private-key-file=${pki.saKey}`, `--root-ca-file=${pki.caCert}`, '--controllers=*']);
    const scheduler = inNode('kube-scheduler', [bin.kubeScheduler, ...controlArgs]);
    const kubelet = inNode('kubelet', [bin.kubelet, `--config=${kubeletConfig}`, `--kubeconfig=${kc}`,
      `--root-dir=${join(s.dataDir, 'kubelet')}`, `--cert-dir=${join(s.dataDir, 'kubelet-pki')}`,
      `--node-ip=${nodeIp}`, `--hostname-override=${s.nodeName}`, '--v=1']);
    const proxy = inNode('kube-proxy', [bin.kubeProxy, `--kubeconfig=${kc}`, `--hostname-override=${s.nodeName}`,
      '--proxy-mode=iptables', `--cluster-cidr=${POD_CIDR}`, '--conntrack-max-per-core=0', '--nodeport-addresses=primary',
      '--metrics-bind-address=127.0.0.1:10249', '--healthz-bind-address=127.0.0.1:10256', '--v=1']);
    const coredns = inNode('coredns', [bin.coredns, '-conf', corednsConfig]);
    const all = [etcd, apiserver, socat, containerd, kcm, scheduler, kubelet, proxy, coredns];

    await waitUntil(`node ${s.nodeName} to be Ready`, 120_000, all, async () => {
      const node = await kubeApi(access, 'GET', `/api/v1/nodes/${s.nodeName}`, undefined, 3_000);
      if (node.status !== 200) return false;
      const conditions = (JSON.parse(node.text) as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? [];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    });
    await waitUntil('the default service account', 60_000, all, async () =>
      (await kubeApi(access, 'GET', '/api/v1/namespaces/default/serviceaccounts/default', undefined, 3_000)).status === 200);
    await waitUntil('CoreDNS to be ready', 60_000, all, () => httpOk(`http://${nodeIp}:8181/ready`));
    log.info(`Kubernetes ready in ${((Date.now() - begun) / 1000).toFixed(1)} s (control plane ${((controlPlaneReady - begun) / 1000).toFixed(1)} s): ` +
      `slot ${slot}, API ${access.server}, node ${s.nodeName} at ${nodeIp}, kubeconfig ${s.kubeconfig}`);

    const imported = new Map<string, string>();
    let stopped = false;
    return {
      ...access,
      slot,
      kubeconfigPath: s.kubeconfig,
      nodeName: s.nodeName,
      nodeAddress: nodeIp,
      dnsAddress: nodeIp,
      clusterDomain: CLUSTER_DOMAIN,
      logDir: s.logDir,
      importImage: async (reference) => {
        if (stopped) throw new Error(`cannot import ${reference}: the Kubernetes cluster of slot ${slot} is stopped`);
        imported.set(reference, await importFromDocker(s.socket, reference, imported.get(reference)));
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        const stopping = Date.now();
        try {
          await teardown(s);
          log.info(`Kubernetes slot ${slot} stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    await teardown(s).catch((cleanup: Error) => log.warn(`cleaning up Kubernetes slot ${slot} after the failed start: ${cleanup.message}`));
    lock.release();
    throw error instanceof Error
      ? new Error(`starting Kubernetes (slot ${slot}) failed: ${error.message}\n(the slot was cleaned up; every component's log is in ${s.logDir})`)
      : error;
  }
}

async function chooseApiPort(requested: number | undefined, slot: number, log: Logger): Promise<number> {
  const port = requested ?? API_PORT_IN_NODE + slot;
  if (await portFree(port)) return port;
  if (requested !== undefined) {
    throw new Error(`port 127.0.0.1:${port} for the Kubernetes API server is in use by another program; pass another apiPort or free it ` +
      `(ss -ltnp 'sport = :${port}' tells which program holds it).`);
  }
  const other = await portFree(0);
  log.warn(`port ${port} is in use by another program; the Kubernetes API server of slot ${slot} gets port ${other} instead`);
  return other;
}

/** True when 127.0.0.1:port can be bound; with port 0, resolves the free port the kernel picked. */
function portFree(port: 0): Promise<number>;
function portFree(port: number): Promise<boolean>;
function portFree(port: number): Promise<boolean | number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(port === 0 && address && typeof address === 'object' ? address.port : true));
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Polls `check` until true; fails early, with its log, when a watched component exits. */
async function waitUntil(what: string, timeoutMs: number, watch: Daemon[], check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const daemon of watch) {
      if (!running(daemon.pid)) {
        throw new Error(`${daemon.name} exited while waiting for ${what}; last lines of ${daemon.logFile}:\n${tail(daemon.logFile)}`);
      }
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; the components' logs end with:\n` +
        watch.map((d) => `--- ${d.logFile}\n${tail(d.logFile, 6)}`).join('\n'));
    }
    await sleep(200);
  }
}
