// The worker hosts the workflows and the activities on the deployment's task queue, and makes
// sure the scheduler singleton runs.
import { createRequire } from 'node:module';
import { type Client, WorkflowIdConflictPolicy } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkflowBundleWithSourceMap, bundleWorkflowCode } from '@temporalio/worker';
import type pg from 'pg';
import { createActivities } from '../activities/index.js';
import type { HostRegistry } from '../backends/docker/hosts.js';
import type { ZoeConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { schedulerWorkflowId, taskQueue } from '../workflows/ids.js';
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

export async function createZoeWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: taskQueue(deps.config.deployment),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    activities: createActivities({
      pool: deps.pool,
      hosts: deps.hosts,
      settings: { serviceLogsBase: deps.config.serviceLogsBase, readinessTimeoutMs: deps.config.readinessTimeoutMs },
      log: deps.log.child('activity'),
    }),
  });
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
