// A second, private Docker Engine on this machine (its own socket, data and exec roots, address
// pool), for multi-host tests: a real second host, whose containers the first engine does not see.
// The test that starts it stops it; the machine's own engine is never touched.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createLogger } from '../../log/logger.js';
import { ensureLocalImages } from '../../stack/images.js';
import { isAlive, readPid, stopPid } from '../../stack/pidfile.js';

export interface SecondEngine {
  socketPath: string;
  docker: Docker;
  stop(): Promise<void>;
}

/**
 * Its default bridge is a bridge of its own: with `--bridge none` dockerd deletes `docker0`, the
 * machine engine's bridge, at start.
 */
export async function startSecondEngine(): Promise<SecondEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'zoe-engine-'));
  const bridge = `zoebr${randomBytes(3).toString('hex')}`;
  const ip = (...args: string[]) => {
    const result = spawnSync('ip', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr}`);
  };
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', '10.214.0.1/24', 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  const socketPath = join(dir, 'docker.sock');
  const pidFile = join(dir, 'docker.pid');
  const out = openSync(join(dir, 'dockerd.log'), 'a');
  const daemon = spawn('dockerd', [
    '--host', `unix://${socketPath}`, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
    '--pidfile', pidFile, '--bridge', bridge, '--iptables=false', '--ip-masq=false',
    '--default-address-pool', 'base=10.213.0.0/16,size=24',
  ], { stdio: ['ignore', out, out], detached: true });
  daemon.unref();
  const docker = new Docker({ socketPath });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await docker.ping();
      break;
    } catch {
      if (Date.now() > deadline || daemon.exitCode !== null) throw new Error(`the second Docker Engine did not start; see ${dir}/dockerd.log`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await ensureLocalImages(docker, createLogger('second-engine', 'warn'));
  return {
    socketPath,
    docker,
    stop: async () => {
      const containers = await docker.listContainers({ all: true }).catch(() => []);
      await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
      const pid = readPid(pidFile) ?? daemon.pid;
      if (pid !== undefined && isAlive(pid)) await stopPid(pid, 'SIGTERM', 20_000);
      spawnSync('ip', ['link', 'delete', bridge]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
