// A whole Zoe in the test process: the real worker and the real API (on a random port) over the
// shared real components, in a deployment of its own so test files do not see each other's
// executions, records or containers.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import Docker from 'dockerode';
import type pg from 'pg';
import { createApp } from '../../api/app.js';
import type { ContainerBackend } from '../../backends/contract.js';
// The tests look at the real engine: its label filter is the Docker back-end's own.
import { labelFilter } from '../../backends/docker/naming.js';
import { createBackend } from '../../backends/index.js';
import { loadConfig, type ZoeConfig } from '../../config/config.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import { createLogger } from '../../log/logger.js';
import { ensureAdmin } from '../../users/bootstrap.js';
import { type ZoeWorker, buildWorkflowBundle, createZoeWorker, ensureScheduler } from '../../worker/worker.js';
import { infraForThisFile, type SharedInfra } from './infra.js';

export interface TestStack {
  config: ZoeConfig;
  apiUrl: string;
  adminPassword: string;
  pool: pg.Pool;
  temporal: Client;
  /** The machine's engine, for tests that look at containers directly. */
  docker: Docker;
  /** The back-end the worker and the API use (ZOE_BACKEND, ZOE_HOSTS_FILE from `env`). */
  backend: ContainerBackend;
  worker: ZoeWorker;
  /** Containers of this stack's deployment, running or not. */
  containers(executionId?: number): Promise<Docker.ContainerInfo[]>;
  stop(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeInstalled = false;

export interface TestStackOptions {
  /** The text file of users (default: alice and bob with role user, gus guest). */
  users?: string;
  /** Extra ZOE_* configuration (ZOE_HOSTS_FILE for several hosts; default: the local engine as host `local`). */
  env?: Record<string, string>;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const infra: SharedInfra = await infraForThisFile();
  const dataDir = mkdtempSync(join(tmpdir(), 'zoe-stack-'));
  const authFile = join(dataDir, 'zoepass.csv');
  writeFileSync(authFile, options.users ?? 'alice,alice-pass,user\nbob,bob-pass,user\ngus,gus-pass,guest\n');
  const adminPassword = `admin-${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    ZOE_DATA_DIR: dataDir,
    ZOE_DEPLOYMENT_NAME: `t${randomBytes(4).toString('hex')}`,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    DATABASE_URL: infra.databaseUrl,
    ZOE_AUTH_FILE: authFile,
    ZOE_ADMIN_PASSWORD: adminPassword,
    ...options.env,
  });
  const log = createLogger(`test/${config.deployment}`, 'warn');
  const pool = createPool(infra.databaseUrl, config.deployment);
  await migrate(pool, config.deployment);
  await ensureAdmin(pool, adminPassword);

  const backend = await createBackend(config, log);
  const nativeConnection = await NativeConnection.connect({ address: infra.temporalAddress });
  bundle ??= buildWorkflowBundle();
  const connection = await Connection.connect({ address: infra.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const worker = await createZoeWorker({ config, pool, backend, log, connection: nativeConnection, client: temporal, workflowBundle: await bundle });
  const running = worker.run();
  await ensureScheduler(temporal, config);

  const server = createApp({ config, pool, temporal, backend, log }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/0.7`;
  const docker = new Docker();

  return {
    config, apiUrl, adminPassword, pool, temporal, docker, backend, worker,
    containers: (executionId) => docker.listContainers({ all: true, filters: labelFilter(config.deployment, executionId) }),
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      // Bounded: an activity stuck on an engine request must not hold a test run forever.
      const stopped = await Promise.race([running.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 30_000).unref())]);
      if (!stopped) {
        throw new Error(`the worker did not stop within 30 s (${worker.describe()}); ` +
          `pending in Temporal: ${await pendingActivities(temporal, config.deployment)}`);
      }
      await nativeConnection.close();
      await connection.close();
      const leftovers = await docker.listContainers({ all: true, filters: labelFilter(config.deployment) });
      await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
      await backend.close();
      await pool.end();
      await infra.stop();
    },
  };
}

/** The activities the deployment's open workflows are waiting for, in one line (a stuck shutdown's diagnosis). */
async function pendingActivities(temporal: Client, deployment: string): Promise<string> {
  const found: string[] = [];
  for await (const execution of temporal.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
    if (!execution.workflowId.startsWith(`zoe-${deployment}-`)) continue;
    const description = await temporal.workflow.getHandle(execution.workflowId).describe();
    for (const activity of description.raw.pendingActivities ?? []) {
      found.push(`${execution.workflowId}: ${activity.activityType?.name} (attempt ${activity.attempt}, ${String(activity.state)}, last failure: ${activity.lastFailure?.message ?? 'none'})`);
    }
  }
  return found.join('; ') || 'no pending activity';
}
