// The worker and the API as supervised child processes: restarted with back-off when they die,
// stopped with SIGTERM (then SIGKILL) on shutdown. Their output goes to this terminal, and its last
// lines are kept, so a child that cannot start is reported with what it said.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../config/config.js';
import type { Logger } from '../log/logger.js';

export interface Supervised {
  name: string;
  pid(): number | undefined;
  /** How many times it exited without being asked to, and how the last time. */
  exits(): { count: number; last: string | undefined };
  /** The last lines it wrote (stdout and stderr together). */
  lastLines(): string;
  stop(): Promise<void>;
}

/**
 * The command line that runs one of the project's entries: its compiled copy in dist/ when this
 * process runs compiled (`npm start`), the TypeScript source through tsx otherwise.
 */
export function entryArguments(entry: string): string[] {
  return import.meta.url.endsWith('.js')
    ? [join(projectRoot, 'dist', entry.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', join(projectRoot, entry)];
}

const KEPT_LINES = 20;

export function supervise(name: string, entry: string, env: NodeJS.ProcessEnv, log: Logger, onSpawn: () => void = () => undefined): Supervised {
  let child: ChildProcess | undefined;
  let stopping = false;
  let failures = 0;
  let exitCount = 0;
  let lastExit: string | undefined;
  const kept: string[] = [];
  let partial = '';
  const keep = (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    kept.push(...lines);
    kept.splice(0, Math.max(0, kept.length - KEPT_LINES));
  };

  const launch = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, entryArguments(entry), { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      keep(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      keep(chunk);
    });
    onSpawn();
    child.once('exit', (code, signal) => {
      if (stopping) return;
      exitCount += 1;
      lastExit = signal ?? `code ${code}`;
      failures = Date.now() - startedAt > 60_000 ? 1 : failures + 1;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
      log.warn(`${name} exited (${lastExit}); restarting in ${delay / 1000}s`);
      setTimeout(() => {
        if (!stopping) launch();
      }, delay);
    });
  };
  launch();

  return {
    name,
    pid: () => child?.pid,
    exits: () => ({ count: exitCount, last: lastExit }),
    lastLines: () => [...kept, partial].filter((line) => line !== '').join('\n'),
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
