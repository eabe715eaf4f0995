// Terminating executions: one (the owner, or a role that operates others'), or every active one of
// a user (roles that operate others'). Termination is a signal to the execution's workflow, which
// stops and removes the containers and records `terminated` with the reason given here.
import { WorkflowNotFoundError } from '@temporalio/client';
import { Forbidden, InvalidInput, NotFound, Unavailable } from '../model/errors.js';
import { executionWorkflowId } from '../model/naming.js';
import { isActiveStatus } from '../model/statuses.js';
import { findUserById, type AuthenticatedUser } from '../users/repository.js';
import { killSignal } from '../workflows/messages.js';
import type { ExecutionDeps, RequestOrigin } from './deps.js';
import { activeExecutionIds } from './repository.js';
import { visibleExecution } from './visibility.js';

const reasonOf = (account: AuthenticatedUser, origin: RequestOrigin) => `user ${account.user.username} request from ${origin}`;

/** Asks one active execution to end. */
export async function terminateExecution(deps: ExecutionDeps, account: AuthenticatedUser, id: number, origin: RequestOrigin): Promise<void> {
  const execution = await visibleExecution(deps.pool, account, id);
  const notRunning = () => new InvalidInput('Execution is not running', 'id');
  if (!isActiveStatus(execution.status)) throw notRunning();
  let signalled: boolean;
  try {
    signalled = await signalKill(deps, id, reasonOf(account, origin));
  } catch (error) {
    throw unreachable([id], error);
  }
  if (!signalled) throw notRunning(); // it ended meanwhile
}

/**
 * Asks every active execution of user `userId` to end; returns the ids asked. Needs
 * can_operate_others, checked before the user is looked up, so a refusal tells nothing about who
 * exists. An execution that ended meanwhile is left out.
 */
export async function terminateUserExecutions(deps: ExecutionDeps, account: AuthenticatedUser, userId: number, origin: RequestOrigin): Promise<number[]> {
  if (!account.role.can_operate_others) {
    throw new Forbidden(`your role (${account.role.name}) cannot terminate a user's executions: that needs can_operate_others`);
  }
  if (!(await findUserById(deps.pool, userId))) throw new NotFound(`user ${userId}`);
  const ids = await activeExecutionIds(deps.pool, userId);
  const reason = reasonOf(account, origin);
  const results = await Promise.allSettled(ids.map((id) => signalKill(deps, id, reason)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw unreachable(ids.filter((_, i) => results[i]!.status === 'rejected'), failed.reason);
  return ids.filter((_, i) => (results[i] as PromiseFulfilledResult<boolean>).value);
}

/** Signals the kill; false when the workflow has already ended. Idempotent: a second kill changes nothing. */
async function signalKill(deps: ExecutionDeps, id: number, reason: string): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(executionWorkflowId(deps.config.deployment, id)).signal(killSignal, { reason });
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** The workflow engine did not take the kill: asking again is safe. */
function unreachable(ids: number[], error: unknown): Unavailable {
  const which = ids.length === 1 ? `execution ${ids[0]}'s workflow` : `the workflows of executions ${ids.join(', ')}`;
  return new Unavailable(`could not reach ${which} (${error instanceof Error ? error.message : String(error)}); try again shortly`);
}
