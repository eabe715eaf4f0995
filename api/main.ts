// The API process: REST API (and, later, the web interface) on ZOE_LISTEN_ADDRESS:ZOE_LISTEN_PORT.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/config.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../log/logger.js';
import { createApp } from './app.js';
import { createBackend } from '../backends/index.js';

const config = loadConfig();
const log = createLogger('api', config.debug ? 'debug' : 'info');
if (!config.databaseUrl) {
  log.error('DATABASE_URL is not set: run the API through `npm start`, or point DATABASE_URL at PostgreSQL');
  process.exit(2);
}
const pool = createPool(config.databaseUrl, config.deployment);
await migrate(pool, config.deployment);
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({ connection, namespace: config.temporal.namespace });

const backend = await createBackend(config, log);
const server = createApp({ config, pool, temporal, backend, log }).listen(config.api.port, config.api.host);
server.on('error', (error) => {
  log.error(`cannot listen on ${config.api.host}:${config.api.port}: ${error.message}`);
  process.exit(1);
});
server.on('listening', () => log.info(`listening on http://${config.api.host}:${config.api.port}/api/0.7`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => {
      void connection.close().then(() => backend.close()).then(() => pool.end()).then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
