// The real components the tests run against: one Temporal dev server, one PostgreSQL and the
// Docker Engine. scripts/test.ts starts them once for the whole run and passes their addresses in
// ZOE_TEST_* variables; a test file run on its own starts its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../db/embedded.js';
import { createLogger } from '../../log/logger.js';
import { ensureDockerEngine } from '../../stack/docker-engine.js';
import { ensureLocalImages } from '../../stack/images.js';
import { ensureTemporalCli } from '../../temporal-dev/install.js';
import { startDevServer } from '../../temporal-dev/server.js';

export interface SharedInfra {
  temporalAddress: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

const log = createLogger('test-infra', 'warn');

export async function startSharedInfra(): Promise<SharedInfra> {
  const dir = mkdtempSync(join(tmpdir(), 'zoe-test-'));
  const engine = await ensureDockerEngine(join(dir, 'docker'), log);
  await ensureLocalImages(engine.docker, log);
  const [temporal, database] = await Promise.all([
    startDevServer({
      cli: ensureTemporalCli(log), dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log'),
      ip: '127.0.0.1', port: 17233 + Math.floor(Math.random() * 500), uiPort: undefined, namespace: 'default', fastSqlite: true,
    }, log),
    startEmbeddedPostgres(dir, 25432 + Math.floor(Math.random() * 500), log),
  ]);
  return {
    temporalAddress: temporal.address,
    databaseUrl: database.url,
    stop: async () => {
      await Promise.all([temporal.stop(), database.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The run's shared infrastructure, or a private one when this file runs alone. */
export async function infraForThisFile(): Promise<SharedInfra> {
  const temporalAddress = process.env.ZOE_TEST_TEMPORAL_ADDRESS;
  const databaseUrl = process.env.ZOE_TEST_DATABASE_URL;
  if (temporalAddress && databaseUrl) return { temporalAddress, databaseUrl, stop: () => Promise.resolve() };
  return startSharedInfra();
}
