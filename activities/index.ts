// Activities are built by a factory from their dependencies, so the worker wires the real ones
// once and tests can pass their own. Workflows import only the `Activities` type.
import type pg from 'pg';
import type { ContainerBackend } from '../backends/contract.js';
import type { Logger } from '../log/logger.js';
import { type ContainerSettings, createContainerActivities } from './containers.js';
import { createRecordActivities } from './records.js';

export interface ActivityDependencies {
  pool: pg.Pool;
  backend: ContainerBackend;
  settings: ContainerSettings;
  log: Logger;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createRecordActivities(deps.pool),
    ...createContainerActivities(deps.backend, deps.settings, deps.log),
  };
}

export type Activities = ReturnType<typeof createActivities>;
