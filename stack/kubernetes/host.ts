// What a cluster changes on the host, and how each change is undone by name: the Debian packages it
// needs, its network namespace and veth pair (the host reaches the node address through it), its
// cgroup subtree (every pod process lives under it, which is how teardown finds them), the mounts
// containerd and the kubelet leave, and the pod network namespaces. Nothing here touches what another
// cluster slot or the Docker Engine created: every name carries the slot.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/logger.js';
import { findOnPath } from '../../temporal-dev/install.js';
import { aptInstall } from '../docker-engine.js';
import { sh, sleep } from './proc.js';

const CNI_BIN_DIR = '/usr/lib/cni';

/** Installs what the cluster needs when missing (Debian, root); elsewhere says what to install. */
export function ensureHostPackages(log: Logger): void {
  if (process.platform !== 'linux') throw new Error('the Kubernetes test cluster runs on Linux only.');
  if (process.getuid?.() !== 0) throw new Error('the Kubernetes test cluster needs root (network namespaces, cgroups, mounts); run as root.');
  const wanted: Array<[boolean, string]> = [
    [!!findOnPath('containerd') && !!findOnPath('ctr'), 'containerd'],
    [!!findOnPath('runc'), 'runc'],
    [['bridge', 'host-local', 'loopback'].every((p) => existsSync(join(CNI_BIN_DIR, p))), 'containernetworking-plugins'],
    [!!findOnPath('socat'), 'socat'],
    [!!findOnPath('iptables'), 'iptables'],
    [!!findOnPath('ip'), 'iproute2'],
    [!!findOnPath('nsenter') && !!findOnPath('flock'), 'util-linux'],
    [!!findOnPath('openssl'), 'openssl'],
  ];
  const missing = wanted.filter(([present]) => !present).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (!existsSync('/etc/debian_version')) throw new Error(`the Kubernetes test cluster needs: ${missing.join(', ')}; install them and retry.`);
  aptInstall(missing, log);
}

export const cniBinDir = CNI_BIN_DIR;

export interface SlotNetwork {
  netns: string;
  hostVeth: string;
  nodeVeth: string;
  /** The node's InternalIP; the host reaches NodePorts, the API server and CoreDNS on it. */
  nodeIp: string;
  hostIp: string;
  prefix: string;
}

export function slotNetwork(slot: number): SlotNetwork {
  return {
    netns: `zoe-k8s-${slot}`, hostVeth: `zoek8s${slot}`, nodeVeth: 'k8s0',
    nodeIp: `10.250.${slot}.1`, hostIp: `10.250.${slot}.2`, prefix: `10.250.${slot}.0/24`,
  };
}

export const netnsPath = (net: SlotNetwork) => `/run/netns/${net.netns}`;

/**
 * The node's network namespace and a veth pair: `k8s0` (node address) inside, `zoek8s<slot>` (host
 * address) outside, with the node's default route to the host. The recipe put both ends inside the
 * namespace, so the host could not reach the node; with one end outside, the connected /24 route
 * the kernel adds for the host address is all the host needs to reach node ports.
 */
export function createNetwork(net: SlotNetwork): void {
  const route = sh('ip', ['-4', '-o', 'route', 'get', net.nodeIp], { allowFailure: true }).stdout;
  const usedBy = / dev (\S+)/.exec(route)?.[1];
  const defaultDev = / dev (\S+)/.exec(sh('ip', ['-4', '-o', 'route', 'show', 'default'], { allowFailure: true }).stdout)?.[1];
  if (usedBy && usedBy !== defaultDev && usedBy !== net.hostVeth) {
    throw new Error(`the address range ${net.prefix} the Kubernetes test cluster uses is already routed to ${usedBy} on this host; ` +
      'choose another slot (startKubernetes({ slot })) or free that range.');
  }
  sh('ip', ['netns', 'add', net.netns]);
  const n = ['-n', net.netns];
  sh('ip', ['link', 'add', net.hostVeth, 'type', 'veth', 'peer', 'name', net.nodeVeth, 'netns', net.netns]);
  sh('ip', ['addr', 'add', `${net.hostIp}/24`, 'dev', net.hostVeth]);
  sh('ip', ['link', 'set', net.hostVeth, 'up']);
  sh('ip', [...n, 'link', 'set', 'lo', 'up']);
  sh('ip', [...n, 'addr', 'add', `${net.nodeIp}/24`, 'dev', net.nodeVeth]);
  sh('ip', [...n, 'link', 'set', net.nodeVeth, 'up']);
  sh('ip', [...n, 'route', 'add', 'default', 'via', net.hostIp, 'dev', net.nodeVeth]);
  // Inside the namespace only: routing between pods and node ports, and bridged traffic seen by iptables.
  sh('nsenter', [`--net=${netnsPath(net)}`, '--', 'sysctl', '-qw', 'net.ipv4.ip_forward=1'], { allowFailure: true });
  sh('nsenter', [`--net=${netnsPath(net)}`, '--', 'sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1'], { allowFailure: true });
}

export function deleteNetwork(net: SlotNetwork): void {
  if (existsSync(netnsPath(net))) sh('ip', ['netns', 'delete', net.netns], { allowFailure: true });
  // Deleting the namespace deletes the pair; a host end left from a half-made network goes here.
  if (existsSync(`/sys/class/net/${net.hostVeth}`)) sh('ip', ['link', 'delete', net.hostVeth], { allowFailure: true });
}

// ---- cgroups: the kubelet's cgroupRoot is /zoe-k8s-<slot>, so every pod process is under it.

/** Every mounted cgroup hierarchy (v1 controllers, name=systemd, the unified one), each once. */
function cgroupHierarchies(): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return ['/sys/fs/cgroup'];
  for (const name of existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : []) {
    const dir = join('/sys/fs/cgroup', name);
    try {
      const real = realpathSync(dir);
      if (seen.has(real) || !existsSync(join(real, 'cgroup.procs'))) continue;
      seen.add(real);
      result.push(real);
    } catch {
      // not a directory
    }
  }
  return result;
}

export function createCgroupRoot(name: string): void {
  for (const hierarchy of cgroupHierarchies()) {
    const dir = join(hierarchy, name);
    mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) { // a new v1 cpuset is empty: copy its parent's
      const own = join(dir, file);
      if (existsSync(own) && readFileSync(own, 'utf8').trim() === '') writeFileSync(own, readFileSync(join(hierarchy, file), 'utf8'));
    }
  }
}

/** Pids in the cgroup subtree (read from one hierarchy: every process is in one cgroup of each). */
export function cgroupPids(name: string): number[] {
  const hierarchies = cgroupHierarchies();
  const hierarchy = hierarchies.find((h) => h.endsWith('/pids') || h.endsWith('/memory')) ?? hierarchies[0];
  if (!hierarchy) return [];
  const pids: number[] = [];
  const walk = (dir: string) => {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line.trim()) pids.push(Number(line));
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
    } catch {
      // gone meanwhile
    }
  };
  const root = join(hierarchy, name);
  if (existsSync(root)) walk(root);
  return pids;
}

export async function killCgroup(name: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const pids = cgroupPids(name);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await sleep(100);
  }
  throw new Error(`processes under the cgroup /${name} survived SIGKILL: ${cgroupPids(name).join(' ')}`);
}

export function removeCgroupRoot(name: string): void {
  const removeTree = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeTree(join(dir, entry.name));
    try {
      rmdirSync(dir);
    } catch {
      // still busy: left for the next teardown
    }
  };
  for (const hierarchy of cgroupHierarchies()) {
    const dir = join(hierarchy, name);
    if (existsSync(dir)) removeTree(dir);
  }
}

// ---- pod network namespaces: containerd 1.6 mounts them at /run/netns/cni-<uuid>, for every CRI user.

/** The network namespace inodes of the given processes (the pods' sandboxes among them). */
export function netnsInodes(pids: number[]): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) {
    try {
      const match = /net:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`));
      if (match) inodes.add(Number(match[1]));
    } catch {
      // gone
    }
  }
  return inodes;
}

/** /run/netns/cni-* files whose namespace is one of `inodes`: this cluster's pods, nobody else's. */
export function podNetnsFiles(inodes: Set<number>): string[] {
  const dir = '/run/netns';
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.startsWith('cni-')).map((name) => join(dir, name)).filter((file) => {
    try {
      return inodes.has(statSync(file).ino);
    } catch {
      return false;
    }
  });
}

/** Mount points at or under any of the prefixes, deepest first. */
export function mountsUnder(prefixes: string[]): string[] {
  const decode = (path: string) => path.replace(/\\(\d{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((line) => decode(line.split(' ')[1] ?? ''))
    .filter((mount) => mount && prefixes.some((prefix) => mount === prefix || mount.startsWith(`${prefix}/`)))
    .sort((a, b) => b.length - a.length);
}

export function unmountAll(mounts: string[]): void {
  for (const mount of mounts) sh('umount', ['-l', mount], { allowFailure: true });
}

/** containerd shims serving the containerd at `socket` (they outlive a killed containerd). */
export function shimPids(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline[0]?.includes('containerd-shim') && cmdline.includes(socket)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * libcni's result cache is host-wide (/var/lib/cni/results): entries of our network carry its name,
 * those of the loopback network containerd adds to every sandbox carry the sandbox id.
 */
export function removeCniCache(network: string, sandboxIds: string[]): void {
  const dir = '/var/lib/cni/results';
  if (!existsSync(dir)) return;
  const loopback = new Set(sandboxIds.map((id) => `cni-loopback-${id}-lo`));
  for (const name of readdirSync(dir)) if (name.startsWith(`${network}-`) || loopback.has(name)) rmSync(join(dir, name), { force: true });
}

/** Ids of the tasks (pod sandboxes and containers) our containerd has or had running, from its state dir. */
export function containerdTaskIds(containerdStateDir: string): string[] {
  const tasks = join(containerdStateDir, 'io.containerd.runtime.v2.task', 'k8s.io');
  return existsSync(tasks) ? readdirSync(tasks).filter((id) => /^[0-9a-f]{64}$/.test(id)) : [];
}

/** The kubelet links each container's log into the host-wide /var/log/containers; ours point into `dataDir`. */
export function removeContainerLogLinks(dataDir: string): void {
  const dir = '/var/log/containers';
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    try {
      if (readlinkSync(file).startsWith(`${dataDir}/`)) rmSync(file, { force: true });
    } catch {
      // not a link, or gone
    }
  }
}

/**
 * What killed shims leave in the host-wide /run/containerd (containerd 1.6 puts them there whatever
 * its state dir): runc's state and the shim socket of each of our tasks.
 */
export function removeShimLeftovers(taskIds: string[], socket: string): void {
  for (const id of taskIds) {
    rmSync(join('/run/containerd/runc/k8s.io', id), { recursive: true, force: true });
    rmSync(join('/run/containerd/s', createHash('sha256').update(join(socket, 'k8s.io', id)).digest('hex')), { force: true });
  }
}
