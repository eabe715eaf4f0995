// Exclusive locks that die with their holder: the build (two test runs must not build into the same
// cache at once) and each cluster slot (a slot whose holder crashed is free again and its leftovers
// are cleaned). Node has no flock(2), so a small `flock … cat` child holds the lock for us: its stdin
// is a pipe from this process, so when this process exits, even by SIGKILL, `cat` reads end-of-file,
// exits, and the kernel releases the lock. No stale lock file can outlive its owner.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';

export interface HeldLock {
  release(): void;
}

/**
 * Takes an exclusive lock on `file`. `waitSeconds` 0: returns undefined at once when another process
 * holds it; otherwise waits up to that long (then undefined).
 */
export function acquireLock(file: string, waitSeconds: number): Promise<HeldLock | undefined> {
  const mode = waitSeconds > 0 ? ['-w', String(waitSeconds)] : ['-n'];
  const child = spawn('flock', [...mode, '-x', file, '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    child.once('error', (error) => {
      settled = true;
      reject(new Error(`could not take the lock ${file}: flock (util-linux) failed: ${error.message}`));
    });
    child.once('exit', () => {
      if (!settled) {
        settled = true;
        resolve(undefined);
      }
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (settled || !output.includes('locked')) return;
      settled = true;
      writeFileSync(`${file}.owner`, `${process.pid}\n`);
      // Nothing of the helper may keep this process alive; its stdin stays open until we exit.
      child.stdout.destroy();
      child.stderr.destroy();
      (child.stdin as Writable & { unref?: () => void }).unref?.();
      child.unref();
      resolve({
        release: () => {
          child.stdin.end();
          child.kill('SIGKILL');
        },
      });
    });
  });
}

/** The pid recorded by the last holder of the lock (for messages only). */
export function lockOwner(file: string): string {
  try {
    return readFileSync(`${file}.owner`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
