// One set-up step shared by `npm start` and the tests: find a Docker Engine that answers
// (DOCKER_HOST or the default socket); on Debian as root with none, install Debian's engine and
// start it. An engine this code did not start is never stopped, and this code stops none at all:
// containers of running executions must outlive a restart of Zoe.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Logger } from '../log/logger.js';
import { findOnPath } from '../temporal-dev/install.js';
import { startFailure } from './failure.js';

export interface EngineHandle {
  docker: Docker;
  /** True when this call started the daemon. */
  started: boolean;
}

export async function ensureDockerEngine(dataDir: string, log: Logger): Promise<EngineHandle> {
  const docker = new Docker();
  if (await pings(docker)) return { docker, started: false };

  if (process.env.DOCKER_HOST) {
    throw startFailure(`the Docker Engine at DOCKER_HOST=${process.env.DOCKER_HOST} does not answer.`, undefined,
      'start that engine, or unset DOCKER_HOST to use the local one, and run the command again.');
  }
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
    throw startFailure('no Docker Engine answers on /var/run/docker.sock.', undefined,
      'start one (or set DOCKER_HOST to one that answers) and run the command again; on Debian as root, Zoe installs and starts one itself.');
  }
  if (!findOnPath('dockerd')) aptInstall(['docker.io'], log);

  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'dockerd.log');
  log.info(`starting the Docker Engine (log: ${logFile})`);
  const out = openSync(logFile, 'a');
  const daemon = spawn('dockerd', ['--host', 'unix:///var/run/docker.sock'], {
    stdio: ['ignore', out, out],
    detached: true,
  });
  daemon.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await pings(docker)) return { docker, started: true };
    if (daemon.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw startFailure(daemon.exitCode !== null ? `the Docker Engine (dockerd) exited with code ${daemon.exitCode} at start.`
    : 'the Docker Engine (dockerd) did not answer within 60 s of its start.', { file: logFile },
  'fix what its log says (often: another dockerd, or a storage driver the kernel lacks), or start an engine yourself, then run the command again.');
}

async function pings(docker: Docker): Promise<boolean> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), 3_000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian packages non-interactively, refreshing the package lists once if needed. */
export function aptInstall(packages: string[], log: Logger): void {
  log.info(`installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (install().status === 0) return;
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (install().status !== 0) {
    throw startFailure(`installing the Debian packages ${packages.join(' ')} failed (apt-get's output is above).`, undefined,
      `install them yourself (apt-get install ${packages.join(' ')}) and run the command again.`);
  }
}
