// Deleting an ended execution's record, as the original's `DELETE /execution/delete/ID`: for
// roles with can_delete_executions, checked after visibility (someone else's is "not found"
// first). The service logs kept for it go with the record.
import { rm } from 'node:fs/promises';
import { Forbidden, InvalidInput } from '../model/errors.js';
import type { AuthenticatedUser } from '../users/repository.js';
import type { ExecutionDeps } from './deps.js';
import { executionLogDir } from './log-files.js';
import { deleteEndedExecution } from './repository.js';
import { visibleExecution } from './visibility.js';

export async function deleteExecution(deps: ExecutionDeps, account: AuthenticatedUser, id: number): Promise<void> {
  await visibleExecution(deps.pool, account, id);
  if (!account.role.can_delete_executions) throw new Forbidden('your role cannot delete execution records');
  // Final statuses are never left, so an execution that is not active now stays deletable.
  if (!(await deleteEndedExecution(deps.pool, id))) {
    throw new InvalidInput('Cannot delete an active execution; terminate it first', 'id');
  }
  await rm(executionLogDir(deps.config.serviceLogsBase, deps.config.deployment, id), { recursive: true, force: true });
}
