#!/usr/bin/env node
// Entry point of `npm start` and `npm test` on a fresh clone: installs the npm dependencies when
// they are missing or older than the lock file, then runs the given TypeScript entry with tsx.
// Plain JavaScript on purpose: it must run before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.zoe-dependencies');

/** What the installed node_modules were made from: package.json and the lock file. */
/** What the installed packages depend on: the lock file and package.json's dependency fields (not its scripts). */
function manifestDigest() {
  const hash = createHash('sha256');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const fields = ['dependencies', 'devDependencies', 'optionalDependencies', 'overrides', 'allowScripts'];
  hash.update(JSON.stringify(fields.map((field) => manifest[field] ?? null)));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest('hex');
}

function npm(args) {
  return spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' }).status === 0;
}

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== manifestDigest()) {
  console.log('zoe: installing npm dependencies…');
  // `npm ci` refuses a lock file without entries for other platforms' optional packages, which a
  // registry mirror may not serve (the @swc/core binaries): then `npm install` honours the lock.
  if (!npm(['ci']) && !npm(['install'])) {
    console.error('zoe: installing the npm dependencies failed; fix the error above and run the command again.');
    process.exit(1);
  }
  writeFileSync(stamp, manifestDigest());
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
