#!/usr/bin/env node
// Entry point of `npm start` and `npm test` on a fresh clone: installs the npm dependencies when
// they are missing or older than the lock file, then runs the given TypeScript entry with tsx.
// Plain JavaScript on purpose: it must run before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

function depsAreCurrent() {
  return existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
}

if (!depsAreCurrent()) {
  console.log('zoe: installing npm dependencies (npm ci)…');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (ci.status !== 0) {
    console.error('zoe: npm ci failed; fix the error above and run the command again.');
    process.exit(ci.status ?? 1);
  }
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/bootstrap.mjs <entry.ts> [args…]');
  process.exit(2);
}
// The child gets the terminal's signals itself; forward the ones sent to this process alone
// (a supervisor or a test killing `npm start`) and exit with the child's status.
const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry), ...args], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
