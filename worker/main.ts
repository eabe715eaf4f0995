// The worker process: `npm start` runs it; at scale, run several (same task queue).
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createBackend } from '../backends/index.js';
import { loadConfig } from '../config/config.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../log/logger.js';
import { prebuiltWorkflowBundle } from './prebuilt-bundle.js';
import { reconcileOrphans, scheduleReconciliation } from './reconcile.js';
import { createZoeWorker, ensureScheduler } from './worker.js';

const config = loadConfig();
const log = createLogger('worker', config.debug ? 'debug' : 'info');
if (!config.databaseUrl) {
  log.error('DATABASE_URL is not set: run the worker through `npm start`, or point DATABASE_URL at PostgreSQL');
  process.exit(2);
}
Runtime.install({ logger: new DefaultLogger(config.debug ? 'INFO' : 'WARN') });

const pool = createPool(config.databaseUrl, config.deployment);
await migrate(pool, config.deployment);
const backend = await createBackend(config, log);
const connection = await NativeConnection.connect({ address: config.temporal.address });
const clientConnection = await Connection.connect({ address: config.temporal.address });
const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
const worker = await createZoeWorker({ config, pool, backend, log, connection, client, workflowBundle: prebuiltWorkflowBundle() });
await ensureScheduler(client, config);
const stopReconciling = scheduleReconciliation(
  () => reconcileOrphans(client, backend, config.deployment, log), config.reconcileIntervalMs, log);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info(`${signal}: finishing in-flight tasks, then stopping`);
    stopReconciling();
    worker.shutdown();
  });
}
log.info('worker running', { taskQueue: `zoe-${config.deployment}`, temporal: config.temporal.address });
await worker.run();
await clientConnection.close();
await connection.close();
await backend.close();
await pool.end();
log.info('worker stopped');
