// The BENCHMARK-AND-TEST-ONLY recording back-end put to work: a deployment of its own on the real
// Temporal server and PostgreSQL with its worker as a child process (killable), executions created
// as the API creates them (execution and service rows as executions/repository.ts inserts them, the input
// planned by executions/plan.ts, the workflow started with the same id, queue and search
// attributes as executions/submit.ts), minus HTTP and quotas; and what the scheduler's own
// history says it admitted, read back from every run of it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, tsToMs } from '@temporalio/common';
import type pg from 'pg';
import { loadConfig, type ZoeConfig } from '../../config/config.js';
import { migrate } from '../../db/migrate.js';
import { createPool, inTransaction } from '../../db/pool.js';
import { executionInput, planInstances } from '../../executions/plan.js';
import { insertExecution, insertServices } from '../../executions/repository.js';
import type { Placement } from '../../scheduler/types.js';
import { insertUser, roleByName } from '../../users/repository.js';
import { expandInstances } from '../../zapps/instances.js';
import type { ZApp } from '../../zapps/schema.js';
import { validateZApp } from '../../zapps/validate.js';
import { executionWorkflowId, schedulerWorkflowId, taskQueue } from '../../model/naming.js';
import { type Letter, schedulerSignals, submitSignal } from '../../workflows/messages.js';
import { ZoeDeployment, ZoeOwner, ZoeState, ZoeZApp } from '../../workflows/search-attributes.js';
import type { SchedulerInput } from '../../workflows/scheduler/types.js';
import { buildWorkflowBundle, ensureScheduler } from '../../worker/worker.js';
import { infraForThisFile } from './infra.js';
import { prepareRecording } from './recording-backend.js';
import { type RecordingWorkerProcess, type RecordingWorkerSettings, spawnRecordingWorker } from './recording-worker.js';

const GiB = 1024 ** 3;

export interface RecordingStack {
  config: ZoeConfig;
  /** In the deployment's schema: the product's tables and the recording ledger. */
  pool: pg.Pool;
  client: Client;
  owner: Owner;
  worker(): RecordingWorkerProcess;
  /** SIGKILL the worker, then start a new one on the same task queue. */
  replaceWorker(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A deployment of its own on the shared real components: schema migrated, ledger created, the
 * workflow bundle built once (each worker process loads it), one recording worker running and the
 * scheduler started by `ensureScheduler`, as the product's worker does.
 */
export async function startRecordingStack(
  options: Pick<RecordingWorkerSettings, 'hosts' | 'exitAfterMs' | 'maxConcurrentActivityTaskExecutions'>,
  schedulerTuning: Pick<SchedulerInput, 'historyLimit'> = {},
): Promise<RecordingStack> {
  const infra = await infraForThisFile();
  const dir = mkdtempSync(join(tmpdir(), 'zoe-recording-'));
  const config = loadConfig({
    ZOE_DATA_DIR: dir, ZOE_DEPLOYMENT_NAME: `v${randomBytes(4).toString('hex')}`,
    TEMPORAL_ADDRESS: infra.temporalAddress, DATABASE_URL: infra.databaseUrl,
  });
  const pool = createPool(infra.databaseUrl, config.deployment);
  await migrate(pool, config.deployment);
  await prepareRecording(pool);
  const owner = await workloadOwner(pool);
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await buildWorkflowBundle()).code);
  const settings: RecordingWorkerSettings = {
    temporalAddress: infra.temporalAddress, namespace: config.temporal.namespace, databaseUrl: infra.databaseUrl,
    deployment: config.deployment, bundlePath, ...options,
  };
  let worker = await spawnRecordingWorker(settings);
  const connection = await Connection.connect({ address: infra.temporalAddress });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  await ensureScheduler(client, config, schedulerTuning);
  return {
    config, pool, client, owner,
    worker: () => worker,
    async replaceWorker() {
      await worker.kill9();
      worker = await spawnRecordingWorker(settings);
    },
    async stop() {
      await worker.stop();
      await connection.close();
      await pool.end();
      await infra.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Owner {
  id: number;
  username: string;
  fsUid: number;
}

/** The user every execution of the workload belongs to. */
export async function workloadOwner(pool: pg.Pool): Promise<Owner> {
  const role = await roleByName(pool, 'user');
  const user = await insertUser(pool, { username: 'volume', password: null, authSource: 'internal', roleId: role!.id });
  return { id: user.id, username: user.username, fsUid: user.fs_uid };
}

/**
 * The `index`-th ZApp of the mix: every fourth one a cluster (a master with a port, one essential
 * worker and `elastic` elastic workers, 1 unit each), the others a batch job of 1, 2 or 4 units.
 */
export function workloadZApp(index: number, unit: { cores: number; memoryGiB: number }, elastic = 2): ZApp {
  const resources = (units: number) => {
    const memory = Math.round(units * unit.memoryGiB * GiB);
    return { memory: { min: memory, max: memory }, cores: { min: units * unit.cores, max: units * unit.cores } };
  };
  const service = (name: string, units: number, essential: number, total: number, startupOrder: number) => ({
    name, image: 'zoe-local/busybox:1', monitor: name !== 'worker', startup_order: startupOrder,
    essential_count: essential, total_count: total, resources: resources(units),
    ports: name === 'master' ? [{ name: 'Master status page', port_number: 8080, protocol: 'tcp', url_template: 'http://{ip_port}/' }] : [],
    environment: [], volumes: [], command: 'true',
  });
  const description = index % 4 === 3
    ? { name: 'volume-cluster', version: 3, will_end: false, size: 3 + elastic,
      services: [service('master', 1, 1, 1, 0), service('worker', 1, 1, 1 + elastic, 1)] }
    : { name: 'volume-batch', version: 3, will_end: true, size: [1, 2, 4][index % 3]!,
      services: [service('job', [1, 2, 4][index % 3]!, 1, 1, 0)] };
  const validation = validateZApp(description, { maxMemoryBytes: 64 * GiB, maxCores: 16 });
  if (!validation.valid) throw new Error(`the workload ZApp is invalid: ${JSON.stringify(validation.errors)}`);
  return validation.zapp;
}

export interface Started {
  executionId: number;
  workflowId: string;
  /** Epoch ms just before the workflow was started. */
  startedAt: number;
}

/** Records the execution as the API does and starts its workflow; no quota, no HTTP. */
export async function startExecution(deps: { pool: pg.Pool; client: Client; config: ZoeConfig; owner: Owner }, zapp: ZApp, name: string): Promise<Started> {
  const { config, owner } = deps;
  const submittedAt = new Date();
  return inTransaction(deps.pool, async (db) => {
    const executionId = await insertExecution(db, { name, userId: owner.id, description: zapp, submittedAt });
    const serviceIds = await insertServices(db, executionId, zapp, expandInstances(zapp));
    const ctx = {
      executionId, executionName: name, deployment: config.deployment, owner,
      fsGroupId: config.fsGroupId, workspaceBase: config.workspaceBase, runtimeLimitHours: 24, submittedAt: submittedAt.getTime(),
    };
    const workflowId = executionWorkflowId(config.deployment, executionId);
    const startedAt = Date.now();
    await deps.client.workflow.start('executionWorkflow', {
      workflowId,
      taskQueue: taskQueue(config.deployment),
      args: [executionInput(zapp, planInstances(zapp, serviceIds, ctx), ctx)],
      typedSearchAttributes: [
        { key: ZoeOwner, value: owner.username }, { key: ZoeZApp, value: zapp.name },
        { key: ZoeState, value: 'submitted' }, { key: ZoeDeployment, value: config.deployment },
      ],
    });
    return { executionId, workflowId, startedAt };
  });
}

export interface SchedulerRun {
  runId: string;
  status: string;
  /** Events in the run's history. */
  events: number;
  /** Size of the run's input (the state carried across continue-as-new), bytes. */
  inputBytes: number;
}

export interface Admission {
  /** The scheduler run that sent it. */
  runId: string;
  placements: Placement[];
  /** When the scheduler decided it: its mail activity was scheduled (epoch ms). */
  sentAt: number;
  /** When the scheduler's mail activity had delivered it (epoch ms); undefined if it never completed. */
  deliveredAt: number | undefined;
}

export interface SchedulerHistory {
  /** Oldest first. */
  runs: SchedulerRun[];
  /** Every admission sent, by execution workflow id. */
  admissions: Map<string, Admission[]>;
  /** When the scheduler told an execution to give an elastic instance back (epoch ms), by `<execution id>/<instance>`. */
  shrinks: Map<string, number[]>;
  /** When the scheduler received each execution's first submit (epoch ms), by execution workflow id. */
  submits: Map<string, number>;
}

/** Every run of the deployment's scheduler and what it sent, read from the histories. */
export async function readSchedulerHistory(client: Client, deployment: string): Promise<SchedulerHistory> {
  const workflowId = schedulerWorkflowId(deployment);
  const listed: Array<{ runId: string; status: string; startTime: number }> = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    listed.push({ runId: run.runId, status: run.status.name, startTime: run.startTime.getTime() });
  }
  listed.sort((a, b) => a.startTime - b.startTime);
  const runs: SchedulerRun[] = [];
  const admissions = new Map<string, Admission[]>();
  const shrinks = new Map<string, number[]>();
  const submits = new Map<string, number>();
  for (const { runId, status } of listed) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const sent = new Map<string, Admission[]>(); // the mail activity's scheduled event id -> its admissions
    let inputBytes = 0;
    for (const event of history.events ?? []) {
      const id = String(event.eventId);
      const at = tsToMs(event.eventTime);
      const started = event.workflowExecutionStartedEventAttributes;
      if (started) inputBytes = (started.input?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
      // The scheduler's mail goes out through one activity per pass: its input is everything it says.
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'deliverMail') {
        const letters = defaultPayloadConverter.fromPayload<Letter[]>(scheduled.input!.payloads![0]!);
        const inThisMail: Admission[] = [];
        for (const { workflowId, signals } of letters) {
          for (const { name, payload } of signals) {
            const { placements } = payload as { placements: Placement[] };
            if (name === schedulerSignals.admitted.name) {
              const admission: Admission = { runId, placements, sentAt: at, deliveredAt: undefined };
              inThisMail.push(admission);
              admissions.set(workflowId, [...(admissions.get(workflowId) ?? []), admission]);
            }
            if (name === schedulerSignals.shrink.name) {
              for (const p of placements) shrinks.set(`${p.executionId}/${p.instance}`, [...(shrinks.get(`${p.executionId}/${p.instance}`) ?? []), at]);
            }
          }
        }
        sent.set(id, inThisMail);
      }
      const received = event.workflowExecutionSignaledEventAttributes;
      if (received?.signalName === submitSignal.name) {
        const { workflowId: sender } = defaultPayloadConverter.fromPayload<{ workflowId: string }>(received.input!.payloads![0]!);
        if (!submits.has(sender)) submits.set(sender, at);
      }
      // Delivered by then: the activity completes once every signal was accepted.
      const completed = event.activityTaskCompletedEventAttributes;
      for (const admission of completed ? sent.get(String(completed.scheduledEventId)) ?? [] : []) admission.deliveredAt = at;
    }
    runs.push({ runId, status, events: history.events?.length ?? 0, inputBytes });
  }
  return { runs, admissions, shrinks, submits };
}
