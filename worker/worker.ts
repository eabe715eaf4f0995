// The worker process runs three Temporal workers: the execution workflows and their short
// activities on the deployment's task queue, the scheduler singleton on a queue of its own, and the
// long-running container watches on a third. It also makes sure the scheduler runs.
import { createRequire } from 'node:module';
import { type Client, WorkflowIdConflictPolicy } from '@temporalio/client';
import {
  type NativeConnection, Worker, type WorkflowBundleOption, type WorkflowBundleWithSourceMap, bundleWorkflowCode,
} from '@temporalio/worker';
import type pg from 'pg';
import { type Activities, createActivities } from '../activities/index.js';
import { type MailActivities, createMailActivities } from '../activities/mail.js';
import type { ContainerBackend } from '../backends/contract.js';
import type { ZoeConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { schedulerTaskQueue, schedulerWorkflowId, taskQueue, watchTaskQueue } from '../model/naming.js';
import type { SchedulerInput } from '../workflows/scheduler/types.js';

const workflowsPath = createRequire(import.meta.url).resolve(`../workflows/index${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`);

export interface WorkerDeps {
  config: ZoeConfig;
  pool: pg.Pool;
  /** Runs the containers (backends/index.ts chooses it from the configuration). */
  backend: ContainerBackend;
  log: Logger;
  connection: NativeConnection;
  /** The scheduler's mail goes out through it. */
  client: Client;
  /** Prebuilt bundle (tests build it once); otherwise bundled from workflows/ at start. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** The deployment's workers, run and stopped together. */
export interface ZoeWorker {
  run(): Promise<void>;
  shutdown(): void;
  /** Each worker's task queue, state and in-flight work, in one line (a slow shutdown's diagnosis). */
  describe(): string;
}

export async function createZoeWorker(deps: WorkerDeps): Promise<ZoeWorker> {
  const activities = createActivities({
    pool: deps.pool,
    backend: deps.backend,
    settings: {
      serviceLogsBase: deps.config.serviceLogsBase,
      readinessTimeoutMs: deps.config.readinessTimeoutMs,
      keptLogMaxBytes: deps.config.keptLogMaxBytes,
    },
    log: deps.log.child('activity'),
  });
  const where = { namespace: deps.config.temporal.namespace, deployment: deps.config.deployment };
  const workflowBundle = deps.workflowBundle ?? await buildWorkflowBundle();
  const main = await Worker.create({
    connection: deps.connection,
    namespace: where.namespace,
    taskQueue: taskQueue(where.deployment),
    workflowBundle,
    activities,
  });
  return together([
    main,
    await createSchedulerWorker(deps.connection, where, workflowBundle, {
      inventoryHosts: () => activities.inventoryHosts(),
      ...createMailActivities(deps.client),
    }),
    await createWatchWorker(deps.connection, where, { waitForExit: (watched) => activities.waitForExit(watched) }),
  ]);
}

interface Where {
  namespace: string;
  deployment: string;
}

export type SchedulerActivities = Pick<Activities, 'inventoryHosts'> & MailActivities;

/** The scheduler singleton's worker: its workflow and its two activities. */
export function createSchedulerWorker(connection: NativeConnection, where: Where, workflowBundle: WorkflowBundleOption,
  activities: SchedulerActivities): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: where.namespace,
    taskQueue: schedulerTaskQueue(where.deployment),
    workflowBundle,
    activities,
    maxConcurrentWorkflowTaskExecutions: 2,
    maxCachedWorkflows: 4,
  });
}

/**
 * A watch is an idle wait on the engine's wait endpoint (a socket, no CPU): one per running
 * execution. Sized for thousands of executions, unlike the 100 slots that starts and records share.
 */
export const WATCH_SLOTS = 5_000;

/** The worker of the watch queue: activities only, with many slots. */
export function createWatchWorker(connection: NativeConnection, where: Where, activities: Pick<Activities, 'waitForExit'>): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: where.namespace,
    taskQueue: watchTaskQueue(where.deployment),
    activities,
    maxConcurrentActivityTaskExecutions: WATCH_SLOTS,
  });
}

/** Runs the workers together; when one stops, the others are shut down, so none outlives the rest. */
export function together(workers: Worker[]): ZoeWorker {
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    run: async () => {
      await Promise.all(workers.map((worker) => worker.run().finally(shutdown)));
    },
    shutdown,
    describe: () => workers.map((worker) => {
      const status = worker.getStatus();
      return `${worker.options.taskQueue}: ${status.runState}, ${status.numInFlightActivities} activities, ` +
        `${status.numInFlightWorkflowActivations} activations`;
    }).join('; '),
  };
}

export function buildWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

/**
 * Starts the scheduler workflow unless it already runs (idempotent; every worker calls it). `tuning`
 * lets tests continue as new sooner than the product does.
 */
export async function ensureScheduler(client: Client, config: ZoeConfig, tuning: Pick<SchedulerInput, 'historyLimit'> = {}): Promise<void> {
  const input: SchedulerInput = {
    deployment: config.deployment,
    policy: config.policy,
    hostRefreshMs: config.hostRefreshMs,
    hostLossGraceMs: config.hostLossGraceMs,
    ...tuning,
  };
  await client.workflow.start('schedulerWorkflow', {
    workflowId: schedulerWorkflowId(config.deployment),
    taskQueue: schedulerTaskQueue(config.deployment),
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
