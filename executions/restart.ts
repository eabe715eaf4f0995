// Restarting an execution, as the original's `/executions/restart/ID` did: a new execution from a
// copy of an old one's ZApp and name (or a new name). The old one may be any the caller can see;
// the new one is the caller's, submitted like any other: validated again against today's limits,
// checked against the caller's quota, with a new id.
import type { AuthenticatedUser } from '../users/repository.js';
import type { ExecutionDeps } from './deps.js';
import type { RestartRequest } from './schemas.js';
import { submitExecution } from './submit.js';
import { visibleExecution } from './visibility.js';

/** Returns the new execution's id. */
export async function restartExecution(deps: ExecutionDeps, account: AuthenticatedUser, id: number, request: RestartRequest): Promise<number> {
  const original = await visibleExecution(deps.pool, account, id);
  return submitExecution(deps, account, { application: original.description, name: request.name ?? original.name });
}
