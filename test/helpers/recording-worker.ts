// A worker over the BENCHMARK-AND-TEST-ONLY recording back-end, as a process of its own so a test
// can SIGKILL it mid-run and start another. It hosts the real workflows on the deployment's task
// queue (and the scheduler and watch queues) with the worker options of worker/worker.ts and the recording
// activities in place of the Docker ones. Run as
//   node --import tsx test/helpers/recording-worker.ts '<settings as JSON>'
// it prints READY_LINE once it polls; `spawnRecordingWorker` does that and waits for the line.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createMailActivities } from '../../activities/mail.js';
import { z } from 'zod';
import { createPool } from '../../db/pool.js';
import { taskQueue } from '../../model/naming.js';
import { createSchedulerWorker, createWatchWorker, together } from '../../worker/worker.js';
import { createRecordingActivities, simulatedHosts } from './recording-backend.js';

export const RecordingWorkerSettingsSchema = z.strictObject({
  temporalAddress: z.string().min(1),
  namespace: z.string().min(1),
  databaseUrl: z.string().min(1),
  deployment: z.string().min(1),
  /** The prebuilt workflow bundle (`buildWorkflowBundle().code` written to a file): no bundling per start. */
  bundlePath: z.string().min(1),
  hosts: z.strictObject({ count: z.number().int().positive(), cores: z.number().positive(), memoryGiB: z.number().positive() }),
  /** An execution's essential instance exits between `min` and `max` ms after it started (spread by execution id). */
  exitAfterMs: z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) }),
  /** Activity slots; absent: the SDK's default, which the product's worker keeps (100). */
  maxConcurrentActivityTaskExecutions: z.number().int().positive().optional(),
});
export type RecordingWorkerSettings = z.infer<typeof RecordingWorkerSettingsSchema>;

const READY_LINE = 'recording worker ready';
const READY_TIMEOUT_MS = 60_000;

/** Deterministic spread in [min, max] from the execution id (Knuth's multiplicative hash). */
export function exitDelay(range: RecordingWorkerSettings['exitAfterMs'], executionId: number): number {
  const fraction = ((executionId * 2_654_435_761) % 2 ** 32) / 2 ** 32;
  return range.min + Math.floor(fraction * (Math.max(range.max, range.min) - range.min + 1));
}

export interface RecordingWorkerProcess {
  readonly pid: number;
  /** SIGKILL: nothing of the worker's shutdown runs. Resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (the worker drains), then SIGKILL after 20 s. */
  stop(): Promise<void>;
  /** Its stdout and stderr so far, for failure messages. */
  output(): string;
}

export async function spawnRecordingWorker(settings: RecordingWorkerSettings): Promise<RecordingWorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(settings)], {
    // The IPC channel only tells the worker when its parent is gone, so it never outlives a dead test.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let log = '';
  const append = (chunk: Buffer) => void (log += chunk.toString('utf8'));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve) => {
      const check = () => {
        if (!log.includes(READY_LINE)) return;
        child.stdout!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
    }),
    exited.then(() => Promise.reject(new Error(`the recording worker exited before it was ready:\n${log}`))),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the recording worker was not ready within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));

  return {
    pid: child.pid!,
    output: () => log,
    async kill9() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(escalate);
    },
  };
}

async function main(settings: RecordingWorkerSettings): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const pool = createPool(settings.databaseUrl, settings.deployment);
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const activities = createRecordingActivities({
    pool,
    hosts: simulatedHosts(settings.hosts.count, settings.hosts.cores, settings.hosts.memoryGiB),
    exitAfterMs: (executionId) => exitDelay(settings.exitAfterMs, executionId),
  });
  const main = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: taskQueue(settings.deployment),
    workflowBundle: { codePath: settings.bundlePath },
    ...(settings.maxConcurrentActivityTaskExecutions === undefined ? {}
      : { maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivityTaskExecutions }),
    activities,
  });
  const clientConnection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: settings.namespace });
  const worker = together([
    main,
    await createSchedulerWorker(connection, settings, { codePath: settings.bundlePath }, {
      inventoryHosts: () => activities.inventoryHosts(),
      ...createMailActivities(client),
    }),
    await createWatchWorker(connection, settings, activities),
  ]);
  process.once('SIGTERM', () => worker.shutdown());
  process.channel?.unref(); // the channel must not keep a stopped worker alive
  process.once('disconnect', () => process.exit(1));
  const running = worker.run();
  process.stdout.write(`${READY_LINE}\n`);
  await running;
  await clientConnection.close();
  await connection.close();
  await pool.end();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(RecordingWorkerSettingsSchema.parse(JSON.parse(process.argv[2] ?? '{}')));
}
