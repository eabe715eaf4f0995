// What the application layer needs from the process that hosts it: the REST API today, the web
// pages next. Each caller builds one of these once and passes it to every command; ApiDeps has
// these fields, so a route passes its deps as they are. Nothing here knows about HTTP.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { ZoeConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';

export interface ExecutionDeps {
  config: ZoeConfig;
  pool: pg.Pool;
  temporal: Client;
  log: Logger;
}

/** Where a command came from, for the reasons Zoe records ("user alice request from API"). */
export type RequestOrigin = 'API' | 'web interface';
