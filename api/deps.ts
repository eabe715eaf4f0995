import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { HostRegistry } from '../backends/docker/hosts.js';
import type { ZoeConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';

/** Everything the API's routes use, created once by the process entry (or a test) and passed in. */
export interface ApiDeps {
  config: ZoeConfig;
  pool: pg.Pool;
  temporal: Client;
  /** The container hosts, for following logs live. */
  hosts: HostRegistry;
  log: Logger;
}
