// Cluster slots: a cluster lives in a numbered slot (network namespace zoe-k8s-<slot>, node
// 10.250.<slot>.1, cgroup /zoe-k8s-<slot>, state in .cache/kubernetes/clusters/<slot>/). A slot
// belongs to the process holding its lock (lock.ts), so two test runs get two clusters, and a slot
// whose holder died is free again. Teardown removes everything a slot's cluster made, whoever
// started it: this process, or a run that crashed.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/logger.js';
import { kubernetesCacheDir } from './build.js';
import {
  cgroupPids, containerdTaskIds, deleteNetwork, killCgroup, mountsUnder, netnsInodes, netnsPath, podNetnsFiles, removeCgroupRoot,
  removeCniCache, removeContainerLogLinks, removeShimLeftovers, shimPids, type SlotNetwork, slotNetwork, unmountAll,
} from './host.js';
import { acquireLock, type HeldLock, lockOwner } from './lock.js';
import { livePid, sh, stopByPidFile } from './proc.js';

export const MAX_SLOTS = 8;
const clustersDir = join(kubernetesCacheDir, 'clusters');

export interface Slot {
  slot: number;
  dir: string;
  /** In every daemon's command line (`<dir>/`: slot 1 must not match slot 10's processes). */
  marker: string;
  dataDir: string;
  configDir: string;
  logDir: string;
  pidDir: string;
  /** containerd's state and socket (short path: unix socket names are limited to 108 bytes). */
  stateDir: string;
  socket: string;
  net: SlotNetwork;
  cgroup: string;
  cniNetwork: string;
  nodeName: string;
  kubeconfig: string;
  internalKubeconfig: string;
}

export function slotPaths(slot: number): Slot {
  const dir = join(clustersDir, String(slot));
  const stateDir = `/run/zoe-k8s-${slot}`;
  return {
    slot, dir, marker: `${dir}/`, dataDir: join(dir, 'data'), configDir: join(dir, 'config'), logDir: join(dir, 'logs'), pidDir: join(dir, 'pids'),
    stateDir, socket: join(stateDir, 'containerd.sock'), net: slotNetwork(slot), cgroup: `zoe-k8s-${slot}`,
    cniNetwork: `zoe-k8s-${slot}`, nodeName: `zoe-k8s-${slot}`,
    kubeconfig: join(dir, 'kubeconfig'), internalKubeconfig: join(dir, 'config', 'node.kubeconfig'),
  };
}

/** Every daemon, in the order teardown stops them (pods' parents first). */
export const COMPONENTS = ['kubelet', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'coredns', 'containerd', 'kube-apiserver', 'etcd', 'socat'] as const;
export type Component = (typeof COMPONENTS)[number];
export const pidFile = (s: Slot, name: Component) => join(s.pidDir, `${name}.pid`);

/** Tears down the clusters that crashed (or exited) runs left in slots no live process holds; returns those slots. */
export async function stopLeftoverClusters(log: Logger): Promise<number[]> {
  const cleaned: number[] = [];
  mkdirSync(clustersDir, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const lock = await acquireLock(join(clustersDir, `${slot}.lock`), 0).catch(() => undefined);
    if (!lock) continue;
    try {
      if (await teardown(slotPaths(slot))) cleaned.push(slot);
    } finally {
      lock.release();
    }
  }
  if (cleaned.length > 0) log.info(`stopped the Kubernetes clusters earlier runs left in slots ${cleaned.join(', ')}`);
  return cleaned;
}

export async function claimSlot(requested: number | undefined): Promise<{ slot: number; lock: HeldLock }> {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 0 && requested < 256)) {
    throw new Error(`Kubernetes slot must be an integer 0–255, not ${requested}`);
  }
  mkdirSync(clustersDir, { recursive: true });
  const candidates = requested === undefined ? [...Array(MAX_SLOTS).keys()] : [requested];
  for (const slot of candidates) {
    const lock = await acquireLock(join(clustersDir, `${slot}.lock`), 0);
    if (lock) return { slot, lock };
  }
  const owners = candidates.map((slot) => `slot ${slot}: pid ${lockOwner(join(clustersDir, `${slot}.lock`))}`).join(', ');
  throw new Error(requested === undefined
    ? `all ${MAX_SLOTS} Kubernetes test cluster slots are in use (${owners}); stop some of those processes and retry.`
    : `Kubernetes slot ${requested} is in use (${owners}), probably by another test run; wait for it, stop it, or pick another slot.`);
}

/**
 * Stops everything of the slot's cluster, whoever started it (this process, or a run that crashed):
 * the daemons named by its pid files (only if they still run this slot's command line), every process
 * under its cgroup, its containerd shims, mounts, pod network namespaces, node namespace, cgroups, and
 * its data. Everything gets SIGKILL: the state is thrown away, so nothing needs a clean shutdown, and
 * the recipe's graceful path took 17–22 s. Returns whether anything was left to remove.
 */
export async function teardown(s: Slot): Promise<boolean> {
  const podPids = cgroupPids(s.cgroup);
  const podNamespaces = netnsInodes(podPids);
  const taskIds = containerdTaskIds(join(s.stateDir, 'containerd'));
  const found = podPids.length > 0 || COMPONENTS.some((name) => livePid(pidFile(s, name), s.marker) !== undefined) ||
    mountsUnder([s.dataDir, s.stateDir, netnsPath(s.net)]).length > 0;
  const kill = (names: Component[]) => Promise.all(names.map((name) => stopByPidFile(pidFile(s, name), s.marker, 0)));

  await kill(['kubelet', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'coredns']); // nothing restarts pods now
  await killCgroup(s.cgroup);
  if (livePid(pidFile(s, 'containerd'), s.marker) !== undefined) {
    // Deleting the dead tasks lets their shims exit and remove their sockets themselves.
    const tasks = sh('ctr', ['-a', s.socket, '-n', 'k8s.io', 'tasks', 'ls', '-q'], { allowFailure: true }).stdout.split('\n').filter(Boolean);
    for (const task of tasks) sh('ctr', ['-a', s.socket, '-n', 'k8s.io', 'tasks', 'delete', '-f', task], { allowFailure: true });
  }
  for (const pid of shimPids(s.socket)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await kill(['containerd', 'kube-apiserver', 'etcd', 'socat']);

  const netnsFiles = podNetnsFiles(podNamespaces);
  unmountAll(mountsUnder([s.dataDir, s.stateDir, ...netnsFiles]));
  for (const file of netnsFiles) rmSync(file, { force: true });
  deleteNetwork(s.net);
  removeCgroupRoot(s.cgroup);
  removeCniCache(s.cniNetwork, taskIds);
  removeContainerLogLinks(s.dataDir);
  removeShimLeftovers(taskIds, s.socket);
  const left = mountsUnder([s.dataDir, s.stateDir]);
  if (left.length > 0) throw new Error(`could not unmount ${left.join(', ')}; unmount them (umount -l) and retry.`);
  rmSync(s.stateDir, { recursive: true, force: true });
  rmSync(s.dataDir, { recursive: true, force: true });
  return found;
}
