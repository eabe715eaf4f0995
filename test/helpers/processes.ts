// Zoe as real processes, for the fault tests: the worker (`worker/main.ts`) and the API
// (`api/main.ts`) run as child processes with the environment `npm start` gives them, so a test
// can SIGKILL one at any moment and start it again; plus a private Temporal dev server that a test
// may SIGKILL and restart on the same SQLite file and port.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import Docker from 'dockerode';
import type pg from 'pg';
import { labelFilter } from '../../backends/docker/naming.js';
import { projectRoot } from '../../config/config.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import { createLogger } from '../../log/logger.js';
import { ensureTemporalCli } from '../../temporal-dev/install.js';
import { type DevServer, startDevServer } from '../../temporal-dev/server.js';
import { ensureAdmin } from '../../users/bootstrap.js';
import { infraForThisFile } from './infra.js';

/** One Zoe process (worker or API) that a test starts, kills and starts again. */
export interface ZoeProcess {
  readonly name: string;
  /** The live child's pid; undefined while it is not running. */
  pid(): number | undefined;
  /** Spawns it and resolves once it is ready; rejects (with its output) when it is not within the timeout. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs. Resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, and SIGKILL when it has not exited after 15 s. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Everything it wrote on stdout and stderr since the first start, for failure messages. */
  output(): string;
}

const READY_TIMEOUT_MS = 90_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the process is ready; `output()` is what it wrote since this start. Stops when `signal` aborts. */
type Readiness = (output: () => string, signal: AbortSignal) => Promise<void>;

/** Children still running when the test process exits (a failed test) are killed with it. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function zoeProcess(name: string, entry: string, env: NodeJS.ProcessEnv, ready: Readiness): ZoeProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const self: ZoeProcess = {
    name,
    pid: () => (alive() ? child?.pid : undefined),
    output: () => log,
    async start() {
      if (alive()) throw new Error(`${name} is already running (pid ${child?.pid})`);
      const since = log.length;
      log += `--- ${new Date().toISOString()} starting ${name}\n`;
      const current = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, entry)], {
        cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = current;
      children.add(current);
      const append = (chunk: Buffer) => void (log += chunk.toString('utf8'));
      current.stdout.on('data', append);
      current.stderr.on('data', append);
      exited = new Promise((resolve) => current.once('exit', (code, signal) => {
        children.delete(current);
        log += `--- ${new Date().toISOString()} ${name} exited (${signal ?? `code ${code}`})\n`;
        resolve();
      }));
      const giveUp = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ready(() => log.slice(since), giveUp.signal),
          exited.then(() => Promise.reject(new Error(`${name} exited before it was ready:\n${log.slice(since)}`))),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${name} was not ready within ${READY_TIMEOUT_MS} ms:\n${log.slice(since)}`)), READY_TIMEOUT_MS);
          }),
        ]);
      } finally {
        giveUp.abort();
        clearTimeout(timer);
      }
    },
    async kill9() {
      if (!alive()) throw new Error(`${name} is not running`);
      child!.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!alive()) return;
      const current = child!;
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async restart() {
      await self.stop();
      await self.start();
    },
  };
  return self;
}

/** Ready once the output holds `text`. */
function logLine(text: string): Readiness {
  return async (output, signal) => {
    while (!signal.aborted && !output().includes(text)) await sleep(100);
  };
}

/** Ready once GET `url` answers 200. */
function answersOk(url: string): Readiness {
  return async (_output, signal) => {
    while (!signal.aborted) {
      try {
        if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
  };
}

/** A TCP port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ProcessStack {
  deployment: string;
  /** ZOE_DATA_DIR of both processes (workspaces under `workspaces/<deployment>/<user>`). */
  dataDir: string;
  /** `http://127.0.0.1:<port>/api/0.7` */
  apiUrl: string;
  adminPassword: string;
  worker: ZoeProcess;
  api: ZoeProcess;
  /** This deployment's schema in the shared PostgreSQL. */
  pool: pg.Pool;
  /** A client of the Temporal server the processes use. */
  temporal: Client;
  docker: Docker;
  /** Containers of this deployment (optionally one execution's), running or not. */
  containers(executionId?: number): Promise<Docker.ContainerInfo[]>;
  /** Stops both processes, removes what is left of the deployment's containers and networks. */
  stop(): Promise<void>;
}

export interface ProcessStackOptions {
  /** Temporal to use instead of the run's shared server (e.g. a PrivateTemporal's address). */
  temporalAddress?: string;
  env?: Record<string, string>;
  users?: string;
}

/** Starts the worker and the API as child processes over the shared PostgreSQL, in a deployment of their own. */
export async function startProcessStack(options: ProcessStackOptions = {}): Promise<ProcessStack> {
  const infra = await infraForThisFile();
  const temporalAddress = options.temporalAddress ?? infra.temporalAddress;
  const dataDir = mkdtempSync(join(tmpdir(), 'zoe-faults-'));
  const authFile = join(dataDir, 'zoepass.csv');
  writeFileSync(authFile, options.users ?? 'alice,alice-pass,user\n');
  const deployment = `f${randomBytes(4).toString('hex')}`;
  const adminPassword = `admin-${randomBytes(6).toString('hex')}`;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    ZOE_DATA_DIR: dataDir,
    ZOE_DEPLOYMENT_NAME: deployment,
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: infra.databaseUrl,
    ZOE_AUTH_FILE: authFile,
    ZOE_ADMIN_PASSWORD: adminPassword,
    ZOE_LISTEN_ADDRESS: '127.0.0.1',
    ZOE_LISTEN_PORT: String(port),
    ZOE_RECONCILE_INTERVAL: '5',
    ...options.env,
  };

  const pool = createPool(infra.databaseUrl, deployment, 4);
  await migrate(pool, deployment);
  await ensureAdmin(pool, adminPassword);

  const apiUrl = `http://127.0.0.1:${port}/api/0.7`;
  const worker = zoeProcess('worker', 'worker/main.ts', env, logLine('worker running'));
  const api = zoeProcess('api', 'api/main.ts', env, answersOk(`${apiUrl}/info`));
  try {
    await Promise.all([worker.start(), api.start()]);
  } catch (error) {
    await Promise.all([worker.stop(), api.stop()]);
    await pool.end();
    await infra.stop();
    throw error;
  }

  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection });
  const docker = new Docker();
  const containers = (executionId?: number) => docker.listContainers({ all: true, filters: labelFilter(deployment, executionId) });

  return {
    deployment, dataDir, apiUrl, adminPassword, worker, api, pool, temporal, docker, containers,
    stop: async () => {
      await Promise.all([api.stop(), worker.stop()]);
      await connection.close();
      const leftovers = await containers();
      await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
      for (const network of await docker.listNetworks({ filters: labelFilter(deployment) })) {
        await docker.getNetwork(network.Id).remove().catch(() => undefined);
      }
      await pool.end();
      rmSync(dataDir, { recursive: true, force: true });
      await infra.stop();
    },
  };
}

/** A Temporal dev server of the test file's own, durable on its SQLite file, that a test may SIGKILL and restart. */
export interface PrivateTemporal {
  address: string;
  pid(): number | undefined;
  /** SIGKILL the server and wait until it is gone. */
  kill9(): Promise<void>;
  /** Starts it again on the same SQLite file and port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateTemporal(): Promise<PrivateTemporal> {
  const log = createLogger('test-temporal', 'warn');
  const dir = mkdtempSync(join(tmpdir(), 'zoe-faults-temporal-'));
  const port = await freePort();
  const options = {
    cli: ensureTemporalCli(log), dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log'),
    ip: '127.0.0.1', port, uiPort: undefined, namespace: 'default', fastSqlite: false,
  };
  let server: DevServer | undefined = await startDevServer(options, log);
  const pidOf = () => (server?.pid !== undefined && isRunning(server.pid) ? server.pid : undefined);
  return {
    address: server.address,
    pid: pidOf,
    async kill9() {
      const pid = pidOf();
      if (pid === undefined) throw new Error('the private Temporal server is not running');
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isRunning(pid)) {
        if (Date.now() > deadline) throw new Error(`Temporal (pid ${pid}) survived SIGKILL for 10 s`);
        await sleep(50);
      }
      server = undefined;
    },
    async start() {
      if (pidOf() !== undefined) throw new Error('the private Temporal server is already running');
      server = await startDevServer(options, log);
      if (server.reused) throw new Error(`another Temporal server answers on ${server.address}`);
    },
    async stop() {
      await server?.stop();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True while the process exists and is not a zombie. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A SIGKILLed child of ours stays a zombie until reaped: not running.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
