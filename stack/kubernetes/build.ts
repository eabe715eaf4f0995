// Builds the binaries of a real single-node Kubernetes once and caches them in .cache/kubernetes/:
// no registry here serves Kubernetes, but the Go module proxy serves its source. The Go caches
// (GOPATH, GOCACHE, GOMODCACHE) live under .cache too and are deleted after a successful build
// (about 3 GB that a cluster start never needs). Each output folder is built as `<name>.partial`
// and renamed when complete, under a lock, so an interrupted or concurrent build never leaves a
// half cache that looks complete.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../config/config.js';
import type { Logger } from '../../log/logger.js';
import { findOnPath } from '../../temporal-dev/install.js';
import { aptInstall } from '../docker-engine.js';
import { acquireLock, lockOwner } from './lock.js';
import { runLogged, sh } from './proc.js';

export const KUBERNETES_VERSION = '1.36.3';
/** The etcd that k8s.io/kubernetes v1.36.3's go.mod requires (Debian's 3.4 breaks watches). */
export const ETCD_VERSION = '3.6.8';
/** CoreDNS v1.15.0's go.mod needs Go 1.26.0 and has no replace directive, so `go install` builds it. */
export const COREDNS_VERSION = '1.15.0';
const MIN_GO = [1, 26] as const;

export const kubernetesCacheDir = join(projectRoot, '.cache', 'kubernetes');

export interface KubernetesBinaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubelet: string;
  kubeProxy: string;
  /** The pause binary, for the sandbox image built offline. */
  pause: string;
  coredns: string;
}

const kubernetesDir = join(kubernetesCacheDir, `kubernetes-v${KUBERNETES_VERSION}-etcd-v${ETCD_VERSION}`);
const corednsDir = join(kubernetesCacheDir, `coredns-v${COREDNS_VERSION}`);
const COMPLETE = 'versions.json';

export function binaries(): KubernetesBinaries {
  const k = (name: string) => join(kubernetesDir, 'bin', name);
  return {
    etcd: k('etcd'), kubeApiserver: k('kube-apiserver'), kubeControllerManager: k('kube-controller-manager'),
    kubeScheduler: k('kube-scheduler'), kubelet: k('kubelet'), kubeProxy: k('kube-proxy'), pause: k('pause'),
    coredns: join(corednsDir, 'bin', 'coredns'),
  };
}

/** A folder is complete when its marker (written last, before the rename) and every binary are there. */
function complete(dir: string): boolean {
  const inDir = Object.values(binaries() as Record<keyof KubernetesBinaries, string>).filter((file) => file.startsWith(`${dir}/`));
  return existsSync(join(dir, COMPLETE)) && inDir.every((file) => existsSync(file));
}

/**
 * Returns the cached binaries, building what is missing first: measured 47 minutes on 2 cores that
 * other test runs kept busy (about 8 minutes of CPU time on an idle machine), seconds afterwards.
 */
export async function ensureKubernetesBinaries(log: Logger): Promise<KubernetesBinaries> {
  if (complete(kubernetesDir) && complete(corednsDir)) return binaries();
  mkdirSync(kubernetesCacheDir, { recursive: true });
  const lockFile = join(kubernetesCacheDir, 'build.lock');
  let lock = await acquireLock(lockFile, 0);
  if (!lock) {
    log.info(`another process (pid ${lockOwner(lockFile)}) is building the Kubernetes binaries; waiting for it`);
    lock = await acquireLock(lockFile, 30 * 60);
    if (!lock) throw new Error(`the Kubernetes build lock ${lockFile} is still held by pid ${lockOwner(lockFile)} after 30 minutes; stop that process and retry.`);
  }
  try {
    if (!complete(kubernetesDir) || !complete(corednsDir)) {
      await build(log).catch((error: Error) => {
        throw new Error(`${error.message}\nFix the cause and run again: a failed or interrupted build leaves only *.partial ` +
          `folders, which the next build discards (the Go caches under ${kubernetesCacheDir} keep what was already compiled).`);
      });
    }
    return binaries();
  } finally {
    lock.release();
  }
}

async function build(log: Logger): Promise<void> {
  const go = checkGo();
  ensureGcc(log);
  const free = statfsSync(kubernetesCacheDir);
  const freeGiB = (free.bavail * free.bsize) / 2 ** 30;
  if (freeGiB < 6) {
    throw new Error(`building Kubernetes needs about 5 GB free under ${kubernetesCacheDir} (Go caches while building); only ${freeGiB.toFixed(1)} GB are free.`);
  }
  const logFile = join(kubernetesCacheDir, 'build.log');
  writeFileSync(logFile, `build started ${new Date().toISOString()} with ${go}\n`);
  const env = goEnvironment();
  log.info(`building Kubernetes v${KUBERNETES_VERSION}, etcd v${ETCD_VERSION} and CoreDNS v${COREDNS_VERSION} from the Go module proxy ` +
    `into ${kubernetesCacheDir} (once: 5–12 minutes, log: ${logFile})`);
  if (!complete(kubernetesDir)) {
    const started = Date.now();
    await buildKubernetes(env, logFile);
    log.info(`Kubernetes binaries built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  if (!complete(corednsDir)) {
    const started = Date.now();
    await buildCoredns(env, logFile);
    log.info(`CoreDNS built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  // Only a rebuild needs the Go caches: measured 3.9 GB of build cache and 2.4 GB of modules
  // (CoreDNS brings in the cloud providers' SDKs), against 0.5 GB of binaries.
  const caches = [env.GOCACHE, env.GOPATH, env.HOME].filter((d): d is string => !!d);
  const sizes = sh('du', ['-sm', ...caches], { allowFailure: true }).stdout.trim().split('\n')
    .map((line) => line.split('\t')).map(([mb, dir]) => `${dir?.replace(`${kubernetesCacheDir}/`, '')} ${mb} MB`).join(', ');
  sh('go', ['clean', '-modcache'], { env, allowFailure: true }); // module files are read-only
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
  log.info(`deleted the Go caches (${sizes})`);
}

function checkGo(): string {
  if (!findOnPath('go')) {
    throw new Error(`go not found: install Go ≥ ${MIN_GO.join('.')} (https://go.dev/dl/) and put it on PATH; ` +
      'the Kubernetes binaries are built from the Go module proxy.');
  }
  const version = sh('go', ['version']).stdout.trim();
  const match = /go(\d+)\.(\d+)/.exec(version);
  const [major, minor] = [Number(match?.[1]), Number(match?.[2])];
  if (!match || major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new Error(`${version} is too old: Kubernetes v${KUBERNETES_VERSION} needs Go ≥ ${MIN_GO.join('.')}; install a newer Go (https://go.dev/dl/).`);
  }
  return version;
}

function ensureGcc(log: Logger): void {
  if (findOnPath('gcc') && existsSync('/usr/lib/x86_64-linux-gnu/libc.a')) return;
  if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    aptInstall(['gcc', 'libc6-dev'], log);
    return;
  }
  throw new Error('gcc with a static libc (Debian: gcc libc6-dev) is needed to build the pause binary; install it and retry.');
}

/** Go's caches under .cache/kubernetes, and nothing in root's home: HOME points there too (telemetry, config). */
function goEnvironment(): NodeJS.ProcessEnv {
  const userGoEnv = sh('go', ['env', 'GOENV']).stdout.trim(); // keep the user's `go env -w` settings (GOPROXY…)
  const gopath = join(kubernetesCacheDir, 'go');
  const home = join(kubernetesCacheDir, 'go-home');
  mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    GOENV: userGoEnv && userGoEnv !== 'off' ? userGoEnv : 'off',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    GOPATH: gopath,
    GOMODCACHE: join(gopath, 'pkg', 'mod'),
    GOCACHE: join(kubernetesCacheDir, 'go-build'),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-buildvcs=false',
    CGO_ENABLED: '0',
  };
}

/** `nice -n 10 go …`: these machines are shared; the build must not starve the tests running beside it. */
const goNice = (args: string[]) => ['-n', '10', 'go', ...args];

async function buildKubernetes(env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const partial = `${kubernetesDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const src = join(partial, 'src');
  const bin = join(partial, 'bin');
  mkdirSync(src, { recursive: true });
  mkdirSync(bin, { recursive: true });
  const what = `building Kubernetes v${KUBERNETES_VERSION}`;

  await runLogged('go', ['mod', 'download', `k8s.io/kubernetes@v${KUBERNETES_VERSION}`], { env, cwd: src, logFile, what: `${what} (go mod download)` });
  const info = JSON.parse(sh('go', ['mod', 'download', '-json', `k8s.io/kubernetes@v${KUBERNETES_VERSION}`], { env }).stdout) as { GoMod: string; Dir: string };
  // k8s.io/kubernetes replaces its staging modules with ./staging/..., which its module zip lacks:
  // map each one to its published v0.<minor>.<patch> tag instead.
  const staging = `v0.${KUBERNETES_VERSION.split('.').slice(1).join('.')}`;
  const replaces = readFileSync(info.GoMod, 'utf8').split('\n')
    .map((line) => /^\s*(\S+)\s+=>\s+\.\/staging\//.exec(line)?.[1])
    .filter((module): module is string => !!module)
    .map((module) => `\t${module} => ${module} ${staging}`);
  writeFileSync(join(src, 'go.mod'), `module zoe.local/kubernetes-build\n\ngo 1.26.0\n\nrequire (\n\tk8s.io/kubernetes v${KUBERNETES_VERSION}\n` +
    `\tgo.etcd.io/etcd/server/v3 v${ETCD_VERSION}\n)\n\nreplace (\n${replaces.join('\n')}\n)\n`);
  const commands = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'];
  writeFileSync(join(src, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport (\n\t_ "go.etcd.io/etcd/server/v3"\n` +
    `${commands.map((c) => `\t_ "k8s.io/kubernetes/cmd/${c}"\n`).join('')})\n`);
  await runLogged('go', ['mod', 'tidy'], { env, cwd: src, logFile, what: `${what} (go mod tidy)` });

  const [, minor] = KUBERNETES_VERSION.split('.');
  const ldflags = `-s -w -X k8s.io/component-base/version.gitVersion=v${KUBERNETES_VERSION} ` +
    `-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor}`;
  await runLogged('nice', goNice(['build', '-trimpath', '-ldflags', ldflags, '-o', `${bin}/`, 'go.etcd.io/etcd/server/v3',
    ...commands.map((c) => `k8s.io/kubernetes/cmd/${c}`)]), { env, cwd: src, logFile, what: `${what} (go build)` });
  renameSync(join(bin, 'server'), join(bin, 'etcd')); // go names etcd's main package "server"
  await runLogged('gcc', ['-Os', '-static', `-DVERSION=v${KUBERNETES_VERSION}`, '-o', join(bin, 'pause'), join(info.Dir, 'build', 'pause', 'linux', 'pause.c')],
    { env, logFile, what: 'building the pause binary (gcc)' });
  rmSync(src, { recursive: true, force: true });
  writeFileSync(join(partial, COMPLETE), `${JSON.stringify({ kubernetes: KUBERNETES_VERSION, etcd: ETCD_VERSION, builtAt: new Date().toISOString() })}\n`);
  rmSync(kubernetesDir, { recursive: true, force: true });
  renameSync(partial, kubernetesDir);
}

async function buildCoredns(env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const partial = `${corednsDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const bin = join(partial, 'bin');
  mkdirSync(bin, { recursive: true });
  await runLogged('nice', goNice(['install', '-trimpath', '-ldflags', '-s -w', `github.com/coredns/coredns@v${COREDNS_VERSION}`]),
    { env: { ...env, GOBIN: bin }, cwd: partial, logFile, what: `building CoreDNS v${COREDNS_VERSION}` });
  writeFileSync(join(partial, COMPLETE), `${JSON.stringify({ coredns: COREDNS_VERSION, builtAt: new Date().toISOString() })}\n`);
  rmSync(corednsDir, { recursive: true, force: true });
  renameSync(partial, corednsDir);
}
