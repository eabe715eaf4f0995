// REST routes for executions (spec §3.1 rows 20–25), plus the execution's event history.
import type { Router, RouterContext } from '@koa/router';
import { z } from 'zod';
import {
  eventsOf, getExecution, listExecutions, portsOf, servicesOf, type ExecutionRow,
} from '../../executions/repository.js';
import { rmSync } from 'node:fs';
import { executionLogDir } from '../../executions/log-files.js';
import { schedulerSnapshot } from '../../executions/statistics.js';
import { submitExecution } from '../../executions/submit.js';
import { endpointsOf } from '../../executions/endpoints.js';
import { ExecutionStatusSchema, isActiveStatus } from '../../model/statuses.js';
import { executionWorkflowId } from '../../model/naming.js';
import { killSignal } from '../../workflows/messages.js';
import { accountOf } from '../auth.js';
import { readJson } from '../body.js';
import { badRequest, forbidden, notFound, unavailable } from '../errors.js';
import { eventJson, executionJson } from '../serialize.js';
import type { ApiDeps } from '../deps.js';
import { parseId } from './ids.js';

const epoch = z.coerce.number().finite().transform((s) => new Date(s * 1000));
export const ListQuerySchema = z.strictObject({
  status: ExecutionStatusSchema.optional(),
  name: z.string().max(128).optional(),
  user_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  earlier_than_submit: epoch.optional(),
  earlier_than_start: epoch.optional(),
  earlier_than_end: epoch.optional(),
  later_than_submit: epoch.optional(),
  later_than_start: epoch.optional(),
  later_than_end: epoch.optional(),
});

export function executionRoutes(router: Router, deps: ApiDeps): void {
  /** The execution if the caller may see it; someone else's is "not found", exactly like a missing one. */
  async function visibleExecution(ctx: RouterContext): Promise<ExecutionRow> {
    const id = parseId(ctx.params.id);
    const account = accountOf(ctx);
    const row = await getExecution(deps.pool, id);
    if (!row || (row.user_id !== account.user.id && !account.role.can_operate_others)) throw notFound(`execution ${id}`);
    return row;
  }

  router.post('/execution', async (ctx) => {
    const id = await submitExecution(deps, accountOf(ctx), await readJson(ctx));
    ctx.status = 201;
    ctx.body = { execution_id: id };
  });

  router.get('/execution', async (ctx) => {
    const query = ListQuerySchema.safeParse(ctx.query);
    if (!query.success) {
      const issue = query.error.issues[0]!;
      throw badRequest(`query parameter ${issue.path.join('.') || ''}: ${issue.message}`, issue.path.join('.'));
    }
    const account = accountOf(ctx);
    const q = query.data;
    const rows = await listExecutions(deps.pool, {
      userId: account.role.can_operate_others ? q.user_id : account.user.id,
      status: q.status, name: q.name, limit: q.limit,
      earlierThanSubmit: q.earlier_than_submit, laterThanSubmit: q.later_than_submit,
      earlierThanStart: q.earlier_than_start, laterThanStart: q.later_than_start,
      earlierThanEnd: q.earlier_than_end, laterThanEnd: q.later_than_end,
    });
    const services = await servicesOf(deps.pool, rows.map((r) => r.id));
    ctx.body = Object.fromEntries(rows.map((r) => [String(r.id), executionJson(r, services.filter((s) => s.execution_id === r.id).map((s) => s.id))]));
  });

  router.get('/execution/endpoints/:id', async (ctx) => {
    const row = await visibleExecution(ctx);
    const owner = await deps.pool.query<{ username: string }>('SELECT username FROM "user" WHERE id = $1', [row.user_id]);
    ctx.body = { endpoints: endpointsOf(row, owner.rows[0]?.username ?? '', await portsOf(deps.pool, row.id), deps.config.deployment) };
  });

  router.get('/execution/history/:id', async (ctx) => {
    const row = await visibleExecution(ctx);
    ctx.body = { execution_id: row.id, events: (await eventsOf(deps.pool, row.id)).map(eventJson) };
  });

  router.delete('/execution/delete/:id', async (ctx) => {
    const row = await visibleExecution(ctx);
    if (!accountOf(ctx).role.can_delete_executions) throw forbidden('your role cannot delete execution records');
    if (isActiveStatus(row.status)) throw badRequest('Cannot delete an active execution; terminate it first');
    await deps.pool.query('DELETE FROM execution WHERE id = $1', [row.id]);
    // The kept service logs go with the record.
    rmSync(executionLogDir(deps.config.serviceLogsBase, deps.config.deployment, row.id), { recursive: true, force: true });
    ctx.status = 204;
  });

  router.get('/execution/:id', async (ctx) => {
    const row = await visibleExecution(ctx);
    const services = await servicesOf(deps.pool, [row.id]);
    ctx.body = { ...executionJson(row, services.map((s) => s.id)), ...(await waitingInfo(row)) };
  });

  /** For a queued execution: its position in the queue and why it waits (extra fields, ignored by old clients). */
  async function waitingInfo(row: ExecutionRow): Promise<{ queue_position?: number; waiting_reason?: string }> {
    if (row.status !== 'queued') return {};
    try {
      const waiting = (await schedulerSnapshot(deps.temporal, deps.config.deployment)).waiting.find((w) => w.executionId === row.id);
      return waiting ? { queue_position: waiting.position, waiting_reason: waiting.reason } : {};
    } catch {
      return {}; // the scheduler is busy or restarting: the record alone still answers
    }
  }

  router.delete('/execution/:id', async (ctx) => {
    const row = await visibleExecution(ctx);
    if (!isActiveStatus(row.status)) throw badRequest('Execution is not running');
    const reason = `user ${accountOf(ctx).user.username} request from API`;
    try {
      await deps.temporal.workflow.getHandle(executionWorkflowId(deps.config.deployment, row.id)).signal(killSignal, { reason });
    } catch (error) {
      throw unavailable(`could not reach the execution's workflow (${(error as Error).message}); try again shortly`);
    }
    ctx.status = 204;
  });
}
