// What the API's routes are given, created once by the process entry (or a test) and passed in:
// the application layer's dependencies (executions/deps.ts) and the container back-end, which the
// log route reads live output from.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { ContainerBackend } from '../backends/contract.js';
import type { ZoeConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';

export interface ApiDeps {
  config: ZoeConfig;
  pool: pg.Pool;
  temporal: Client;
  /** Runs the containers: the log route follows a running service's output through it. */
  backend: ContainerBackend;
  log: Logger;
}
