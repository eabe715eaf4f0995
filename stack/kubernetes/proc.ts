// Child processes for the Kubernetes installer and cluster: commands whose failure must say what
// failed with the end of their output, and long-running daemons started detached with one log file
// and one pid file each (so a later run can find, check and stop what a crashed run left).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { commandLine, isAlive, readPid, removePid, writePid } from '../pidfile.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function lastLines(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs a short command synchronously; throws with its output when it fails (unless allowed to). */
export function sh(command: string, args: string[], options: { input?: string | Buffer; allowFailure?: boolean; env?: NodeJS.ProcessEnv } = {}):
{ status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { input: options.input, env: options.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${command} not found on PATH` : `${command} could not run: ${result.error.message}`);
  }
  const status = result.status ?? -1;
  if (status !== 0 && !options.allowFailure) {
    throw new Error(`\`${[command, ...args].join(' ')}\` failed (exit ${status}):\n${lastLines(`${result.stdout}${result.stderr}`)}`);
  }
  return { status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a long command asynchronously, its output appended to a log file; rejects with the log's end. */
export function runLogged(command: string, args: string[], options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string; what: string }): Promise<void> {
  const out = openSync(options.logFile, 'a');
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, out] });
    child.once('error', (error) => {
      closeSync(out);
      reject(new Error(`${options.what}: could not run ${command}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${options.what} failed (${signal ?? `exit ${code}`}); last lines of ${options.logFile}:\n${tail(options.logFile, 25)}`));
    });
  });
}

export interface Daemon {
  name: string;
  pid: number;
  logFile: string;
}

/**
 * Starts a daemon detached (its own process group: a Ctrl-C meant for the caller does not reach it),
 * output to `logFile`, pid in `pidFile`. `nsenter --net` execs the program, so the pid is the program's.
 */
export function startDaemon(name: string, argv: string[], files: { logFile: string; pidFile: string }): Daemon {
  const out = openSync(files.logFile, 'a');
  const [command, ...args] = argv;
  if (!command) throw new Error(`no command for ${name}`);
  const child = spawn(command, args, { stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  child.on('error', () => undefined); // reported through the log and the liveness checks
  child.unref();
  if (!child.pid) throw new Error(`${name} did not start (${command} missing?)`);
  writePid(files.pidFile, child.pid);
  return { name, pid: child.pid, logFile: files.logFile };
}

/** Alive and not a zombie (a detached child that exited stays a zombie until its parent reaps it). */
export function running(pid: number): boolean {
  return isAlive(pid) && !isZombie(pid);
}

/** The pid in a pid file when that process is still alive and its command line contains `mustContain`. */
export function livePid(pidFile: string, mustContain: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined || !running(pid)) return undefined;
  return commandLine(pid).includes(mustContain) ? pid : undefined;
}

/** SIGTERM, then SIGKILL after `graceMs`; waits until the process is gone (at most 5 s more). */
export async function stopProcess(pid: number, graceMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const gone = Date.now() + 5_000;
  while (isAlive(pid) && !isZombie(pid) && Date.now() < gone) await sleep(25);
}

/** Stops the process a pid file names, only if it still runs what we started (`mustContain`). */
export async function stopByPidFile(pidFile: string, mustContain: string, graceMs: number): Promise<void> {
  const pid = livePid(pidFile, mustContain);
  if (pid !== undefined) await stopProcess(pid, graceMs);
  removePid(pidFile);
}

function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
