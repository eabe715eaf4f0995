// `npm start`: brings Zoe up locally — Docker Engine (found or installed), local images, the
// Temporal dev server with its Web UI, PostgreSQL (embedded unless DATABASE_URL), the worker and
// the API — prints where each is, and stops what it started on Ctrl-C. Run again after a crash,
// it adopts what the crashed run left and comes back. A component that cannot start is named with
// the last lines of its log and what to do, and what had come up is stopped.
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
import { startFailure } from './failure.js';
import { ensureLocalImages } from './images.js';
import { commandLine, isAlive, readPid, removePid, stopPid, writePid } from './pidfile.js';

const log = createLogger('zoe');

/** What this start brought up, stopped last first when the start fails half-way or on Ctrl-C. */
const started: Array<() => Promise<unknown>> = [];

async function main(config: ZoeConfig): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const pidFile = join(config.dataDir, 'zoe.pid');
  const previous = readPid(pidFile);
  if (isAlive(previous) && /stack\/start\.[jt]s/.test(commandLine(previous!))) {
    console.log(`Zoe is already running (pid ${previous}): API http://${config.api.host}:${config.api.port}/api/0.7`);
    return;
  }
  await stopLeftoverChildren(config.dataDir);
  writePid(pidFile, process.pid);
  started.push(() => Promise.resolve(removePid(pidFile)));

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
  started.push(() => temporal.stop());

  const database = config.databaseUrl
    ? { url: config.databaseUrl, reused: true, stop: () => Promise.resolve() }
    : await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, log);
  started.push(() => database.stop());

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
  started.push(async () => {
    await Promise.all([api.stop(), worker.stop()]);
    removePid(childrenFile);
  });

  if (!(await waitForApi(`${apiUrl}/api/0.7/info`, 120_000, api))) {
    const { count, last } = api.exits();
    throw startFailure(count > 0 ? `the API did not start: it exited ${count} time${count > 1 ? 's' : ''} (last: ${last}).`
      : `the API did not answer on ${apiUrl} within 120 s of its start.`,
    { name: 'its output', lines: api.lastLines() },
    `if it says the address is in use, stop what listens on ${config.api.host}:${config.api.port} or set ZOE_LISTEN_PORT to a free port; ` +
      'otherwise fix what it says, then run npm start again.');
  }
  printSummary(config, apiUrl, temporal.uiUrl, database.url, admin.password, worker);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping the API, the worker, Temporal and PostgreSQL (the Docker Engine and running containers stay)`);
    await stopStarted();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
}

/** Stops what this start brought up, the last started first: the API and worker, PostgreSQL, Temporal. */
async function stopStarted(): Promise<void> {
  for (const stop of started.reverse()) await stop().catch((error: unknown) => log.warn(`stopping: ${(error as Error).message}`));
  started.length = 0;
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
    if (pid > 0 && isAlive(pid) && /(worker|api)\/main\.[jt]s/.test(commandLine(pid))) {
      log.info(`stopping the ${commandLine(pid).includes('worker') ? 'worker' : 'API'} a previous start left running (pid ${pid})`);
      await stopPid(pid);
    }
  }
  removePid(file);
}

/** True once the API answers; false after the timeout, or sooner when the API keeps exiting at start. */
async function waitForApi(url: string, timeoutMs: number, api: Supervised): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && api.exits().count < 3) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

function printSummary(config: ZoeConfig, apiUrl: string, uiUrl: string | undefined, databaseUrl: string, generated: string | undefined, worker: Supervised): void {
  const lines = [
    '',
    'Zoe is running.',
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
  const { count, last } = worker.exits();
  if (count > 0) {
    lines.push(`  Warning         the worker exited ${count} time${count > 1 ? 's' : ''} already (last: ${last}); executions wait until it stays up. Its last lines:`,
      ...worker.lastLines().split('\n').map((line) => `    ${line}`), '');
  }
  console.log(lines.join('\n'));
}

try {
  await main(loadConfig());
} catch (error) {
  // What failed first, then stop what had come up, so the next start begins clean.
  console.error(`zoe: ${(error as Error).message}`);
  if (!(error instanceof ConfigError) && started.length > 0) log.info('stopping what this start had brought up');
  await stopStarted();
  process.exit(1);
}
