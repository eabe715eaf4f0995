// The worker hosts the workflows and the activities on the deployment's task queue, the
// long-running container watches on a queue of their own, and makes sure the scheduler singleton
// runs.
import { createRequire } from 'node:module';
import { type Client, WorkflowIdConflictPolicy } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkflowBundleWithSourceMap, bundleWorkflowCode } from '@temporalio/worker';
import type pg from 'pg';
import { type Activities, createActivities } from '../activities/index.js';
import type { HostRegistry } from '../backends/docker/hosts.js';
import type { ZoeConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { schedulerWorkflowId, taskQueue, watchTaskQueue } from '../workflows/ids.js';
import type { SchedulerInput } from '../workflows/types.js';

const workflowsPath = createRequire(import.meta.url).resolve('../workflows/index.ts');

export interface WorkerDeps {
  config: ZoeConfig;
  pool: pg.Pool;
  hosts: HostRegistry;
  log: Logger;
  connection: NativeConnection;
  /** Prebuilt bundle (tests build it once); otherwise bundled from workflows/ at start. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/**
 * A watch is an idle wait on the engine's wait endpoint (a socket, no CPU): one per running
 * execution. Sized for thousands of executions, unlike the 100 slots that starts and records share.
 */
export const WATCH_SLOTS = 5_000;

/** The deployment's two workers, run and stopped together. */
export interface ZoeWorker {
  run(): Promise<void>;
  shutdown(): void;
}

export async function createZoeWorker(deps: WorkerDeps): Promise<ZoeWorker> {
  const activities = createActivities({
    pool: deps.pool,
    hosts: deps.hosts,
    settings: { serviceLogsBase: deps.config.serviceLogsBase, readinessTimeoutMs: deps.config.readinessTimeoutMs },
    log: deps.log.child('activity'),
  });
  const main = await Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: taskQueue(deps.config.deployment),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    activities,
  });
  const watch = await createWatchWorker(deps.connection, { namespace: deps.config.temporal.namespace, deployment: deps.config.deployment },
    { waitForExit: (watched) => activities.waitForExit(watched) });
  return pairOf(main, watch);
}

/** The worker of the watch queue: activities only, with many slots. */
export function createWatchWorker(connection: NativeConnection, where: { namespace: string; deployment: string },
  activities: Pick<Activities, 'waitForExit'>): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: where.namespace,
    taskQueue: watchTaskQueue(where.deployment),
    activities,
    maxConcurrentActivityTaskExecutions: WATCH_SLOTS,
  });
}

/** Runs both workers; shutting down one shuts down the other, so neither outlives its pair. */
export function pairOf(main: Worker, watch: Worker): ZoeWorker {
  const shutdown = () => {
    for (const worker of [main, watch]) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    run: async () => {
      const runs = [main.run(), watch.run()].map((run) => run.finally(shutdown));
      await Promise.all(runs);
    },
    shutdown,
  };
}

export function buildWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

/** Starts the scheduler workflow unless it already runs (idempotent; every worker calls it). */
export async function ensureScheduler(client: Client, config: ZoeConfig): Promise<void> {
  const input: SchedulerInput = {
    deployment: config.deployment,
    policy: config.policy,
    hostRefreshMs: config.hostRefreshMs,
    hostLossGraceMs: config.hostLossGraceMs,
  };
  await client.workflow.start('schedulerWorkflow', {
    workflowId: schedulerWorkflowId(config.deployment),
    taskQueue: taskQueue(config.deployment),
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};
