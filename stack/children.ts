// The worker and the API as supervised child processes: restarted with back-off when they die,
// stopped with SIGTERM (then SIGKILL) on shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../config/config.js';
import type { Logger } from '../log/logger.js';

export interface Supervised {
  name: string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

export function supervise(name: string, entry: string, env: NodeJS.ProcessEnv, log: Logger, onSpawn: () => void = () => undefined): Supervised {
  let child: ChildProcess | undefined;
  let stopping = false;
  let failures = 0;

  const launch = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, entry)], {
      cwd: projectRoot, env, stdio: ['ignore', 'inherit', 'inherit'],
    });
    onSpawn();
    child.once('exit', (code, signal) => {
      if (stopping) return;
      failures = Date.now() - startedAt > 60_000 ? 1 : failures + 1;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
      log.warn(`${name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s`);
      setTimeout(() => {
        if (!stopping) launch();
      }, delay);
    });
  };
  launch();

  return {
    name,
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
