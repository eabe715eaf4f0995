// What a caller may see: their own executions and services, or everyone's with can_operate_others.
// Someone else's is "not found", exactly like an id that does not exist.
import type { ExecutionRow, ServiceRow } from '../../executions/repository.js';
import { getExecution, getService } from '../../executions/repository.js';
import type { AuthenticatedUser } from '../../users/repository.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';

export function canSee(account: AuthenticatedUser, execution: ExecutionRow): boolean {
  return execution.user_id === account.user.id || account.role.can_operate_others;
}

export async function visibleService(deps: ApiDeps, account: AuthenticatedUser, id: number): Promise<{ service: ServiceRow; execution: ExecutionRow }> {
  const service = await getService(deps.pool, id);
  const execution = service && (await getExecution(deps.pool, service.execution_id));
  if (!service || !execution || !canSee(account, execution)) throw notFound(`service ${id}`);
  return { service, execution };
}
