// Who sees which execution, decided here only: the owner, or a role with can_operate_others.
// Someone else's execution (and its services, logs, endpoints, history) is "not found", exactly
// like an id that does not exist, so ids tell a caller nothing about other users' work.
import type { Queryable } from '../db/pool.js';
import { NotFound } from '../model/errors.js';
import type { AuthenticatedUser } from '../users/repository.js';
import { getExecution, getService, type ExecutionRow, type ServiceRow } from './repository.js';

export function canSee(account: AuthenticatedUser, execution: Pick<ExecutionRow, 'user_id'>): boolean {
  return execution.user_id === account.user.id || account.role.can_operate_others;
}

/** The execution, if the caller may see it; NotFound otherwise. */
export async function visibleExecution(db: Queryable, account: AuthenticatedUser, id: number): Promise<ExecutionRow> {
  const execution = await getExecution(db, id);
  if (!execution || !canSee(account, execution)) throw new NotFound(`execution ${id}`);
  return execution;
}

/** The service and its execution, if the caller may see them; NotFound otherwise. */
export async function visibleService(db: Queryable, account: AuthenticatedUser, id: number): Promise<{ service: ServiceRow; execution: ExecutionRow }> {
  const service = await getService(db, id);
  const execution = service && (await getExecution(db, service.execution_id));
  if (!service || !execution || !canSee(account, execution)) throw new NotFound(`service ${id}`);
  return { service, execution };
}

/** The user id a listing is limited to: the caller's own, unless the role sees everyone's. */
export function visibleOwner(account: AuthenticatedUser, requested: number | undefined): number | undefined {
  return account.role.can_operate_others ? requested : account.user.id;
}
