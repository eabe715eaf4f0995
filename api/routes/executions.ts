// REST routes for executions (spec §3.1 rows 20–25), their history, services and discovery, and
// restart. Each route validates what it reads (api/input.ts), calls the application function,
// which authorises, and shapes the reply (api/serialize.ts).
import type { Router } from '@koa/router';
import { deleteExecution } from '../../executions/delete.js';
import {
  discoverServices, executionEndpoints, executionHistory, listVisibleExecutions, showExecution, showService,
} from '../../executions/queries.js';
import { restartExecution } from '../../executions/restart.js';
import { ListQuerySchema, RestartRequestSchema, StartRequestSchema } from '../../executions/schemas.js';
import { submitExecution } from '../../executions/submit.js';
import { terminateExecution } from '../../executions/terminate.js';
import { accountOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parseBody, parseGroup, parseId, parseQuery } from '../input.js';
import { eventJson, executionDetailsJson, executionMapJson, serviceJson } from '../serialize.js';

export function executionRoutes(router: Router, deps: ApiDeps): void {
  router.post('/execution', async (ctx) => {
    const request = await parseBody(ctx, StartRequestSchema, 'start request');
    ctx.status = 201;
    ctx.body = { execution_id: await submitExecution(deps, accountOf(ctx), request) };
  });

  router.get('/execution', async (ctx) => {
    const query = parseQuery(ctx, ListQuerySchema);
    ctx.body = executionMapJson(await listVisibleExecutions(deps, accountOf(ctx), query));
  });

  router.get('/execution/endpoints/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    ctx.body = { endpoints: await executionEndpoints(deps, accountOf(ctx), id) };
  });

  router.get('/execution/history/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    ctx.body = { execution_id: id, events: (await executionHistory(deps, accountOf(ctx), id)).map(eventJson) };
  });

  router.post('/execution/restart/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    const request = await parseBody(ctx, RestartRequestSchema, 'restart request', { optional: true });
    ctx.status = 201;
    ctx.body = { execution_id: await restartExecution(deps, accountOf(ctx), id, request) };
  });

  router.delete('/execution/delete/:id', async (ctx) => {
    await deleteExecution(deps, accountOf(ctx), parseId(ctx.params.id));
    ctx.status = 204;
  });

  router.get('/execution/:id', async (ctx) => {
    ctx.body = executionDetailsJson(await showExecution(deps, accountOf(ctx), parseId(ctx.params.id)));
  });

  router.delete('/execution/:id', async (ctx) => {
    await terminateExecution(deps, accountOf(ctx), parseId(ctx.params.id), 'API');
    ctx.status = 204;
  });

  router.get('/service/:id', async (ctx) => {
    ctx.body = serviceJson(await showService(deps, accountOf(ctx), parseId(ctx.params.id)));
  });

  router.get('/discovery/by_group/:exec_id/:group', async (ctx) => {
    const id = parseId(ctx.params.exec_id, 'exec_id');
    const group = parseGroup(ctx.params.group);
    ctx.body = { service_type: group, execution_id: id, dns_names: await discoverServices(deps, accountOf(ctx), id, group) };
  });
}
