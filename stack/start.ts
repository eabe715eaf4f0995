// `npm start`: brings Zoe up locally — Docker Engine (found or installed), local images, the
// Temporal dev server with its Web UI, PostgreSQL (embedded unless DATABASE_URL), the worker and
// the API — prints where each is, and stops what it started on Ctrl-C. Run again after a crash,
// it adopts what the crashed run left and comes back.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, ConfigError, type ZoeConfig } from '../config/config.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../log/logger.js';
import { ensureTemporalCli } from '../temporal-dev/install.js';
import { startDevServer } from '../temporal-dev/server.js';
import { ensureAdmin } from '../users/bootstrap.js';
import { supervise, type Supervised } from './children.js';
import { hasLocalZoerc, writeLocalZoerc } from './credentials.js';
import { ensureDockerEngine } from './docker-engine.js';
import { ensureLocalImages } from './images.js';
import { commandLine, isAlive, readPid, removePid, stopPid, writePid } from './pidfile.js';

const log = createLogger('zoe');

async function main(config: ZoeConfig): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const pidFile = join(config.dataDir, 'zoe.pid');
  const previous = readPid(pidFile);
  if (isAlive(previous) && commandLine(previous!).includes('stack/start.ts')) {
    console.log(`Zoe is already running (pid ${previous}): API http://${config.api.host}:${config.api.port}/api/0.7`);
    return;
  }
  await stopLeftoverChildren(config.dataDir);
  writePid(pidFile, process.pid);

  const engine = await ensureDockerEngine(config.dataDir, log);
  log.info(engine.started ? 'Docker Engine started' : 'Docker Engine found');
  await ensureLocalImages(engine.docker, log);

  const [ip, port] = splitAddress(config.temporal.address);
  const temporal = await startDevServer({
    cli: ensureTemporalCli(log),
    dbFile: join(config.dataDir, 'temporal', 'temporal.db'),
    logFile: join(config.dataDir, 'temporal', 'server.log'),
    pidFile: join(config.dataDir, 'temporal', 'server.pid'),
    ip, port, uiPort: config.temporal.uiPort, namespace: config.temporal.namespace,
  }, log);

  const database = config.databaseUrl
    ? { url: config.databaseUrl, reused: true, stop: () => Promise.resolve() }
    : await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, log);

  const pool = createPool(database.url, config.deployment, 2);
  await migrate(pool, config.deployment);
  const admin = await ensureAdmin(pool, config.adminPassword);
  await pool.end();
  const apiUrl = `http://${config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host}:${config.api.port}`;
  if (admin.created || !hasLocalZoerc(config.dataDir)) {
    const password = admin.password ?? config.adminPassword;
    if (password) writeLocalZoerc(config.dataDir, apiUrl, 'admin', password);
  }

  const env = { ...process.env, DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, ZOE_DATA_DIR: config.dataDir };
  const childrenFile = join(config.dataDir, 'children.pid');
  const children: Supervised[] = [];
  // Rewritten at every (re)spawn, so a start after a crash knows which processes to stop.
  const record = () => writeFileSync(childrenFile, `${children.map((c) => c.pid() ?? '').join('\n')}\n`);
  children.push(supervise('worker', 'worker/main.ts', env, log, record), supervise('api', 'api/main.ts', env, log, record));
  record();
  const [worker, api] = children as [Supervised, Supervised];

  const up = await waitForApi(`${apiUrl}/api/0.7/info`, 60_000);
  printSummary(config, apiUrl, temporal.uiUrl, database.url, admin.password, up);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping the API, the worker, Temporal and PostgreSQL (the Docker Engine and running containers stay)`);
    await Promise.all([api.stop(), worker.stop()]);
    await Promise.all([temporal.stop(), database.stop()]);
    removePid(join(config.dataDir, 'children.pid'));
    removePid(pidFile);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
}

function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), Number(address.slice(index + 1))];
}

/** A start that crashed may have left its worker and API running: stop them before starting new ones. */
async function stopLeftoverChildren(dataDir: string): Promise<void> {
  const file = join(dataDir, 'children.pid');
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return;
  }
  for (const line of lines) {
    const pid = Number(line);
    if (pid > 0 && isAlive(pid) && /(worker|api)\/main\.ts/.test(commandLine(pid))) {
      log.info(`stopping the ${commandLine(pid).includes('worker') ? 'worker' : 'API'} a previous start left running (pid ${pid})`);
      await stopPid(pid);
    }
  }
  removePid(file);
}

async function waitForApi(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

function printSummary(config: ZoeConfig, apiUrl: string, uiUrl: string | undefined, databaseUrl: string, generated: string | undefined, up: boolean): void {
  const lines = [
    '',
    up ? 'Zoe is running.' : 'Zoe started, but the API does not answer yet; see the log above.',
    `  REST API        ${apiUrl}/api/0.7`,
    `  Temporal UI     ${uiUrl ?? '(headless)'}   (server ${config.temporal.address})`,
    `  PostgreSQL      ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
    `  Data directory  ${config.dataDir}`,
    `  Deployment      ${config.deployment}`,
    '',
    generated
      ? `  Admin login     admin / ${generated}   (generated now, shown once; also in ${join(config.dataDir, 'zoerc')})`
      : `  Admin login     admin (credentials for the CLI in ${join(config.dataDir, 'zoerc')})`,
    '  Try it          npx zoe start demo zapps/sample-shop/web/web.json --wait -r   (or browse the shop: npx zoe shop ls)',
    '  Stop            Ctrl-C (containers of running executions keep running and are picked up again at the next start)',
    '',
  ];
  console.log(lines.join('\n'));
}

try {
  await main(loadConfig());
} catch (error) {
  if (error instanceof ConfigError) console.error(`zoe: ${error.message}`);
  else console.error(`zoe: ${(error as Error).message}`);
  process.exit(1);
}
