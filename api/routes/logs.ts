// `GET /service/logs/:id`: a service's output (executions/service-logs.ts). While its container
// exists the stream follows it live and ends when the service ends; afterwards the copy kept at
// teardown is served. `?follow=0` returns what has been printed so far and ends at once.
import type { Router } from '@koa/router';
import { openServiceLog } from '../../executions/service-logs.js';
import { accountOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { ServiceLogQuerySchema } from '../../executions/schemas.js';
import { parseId, parseQuery } from '../input.js';

export function logRoutes(router: Router, deps: ApiDeps): void {
  router.get('/service/logs/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    const { follow } = parseQuery(ctx, ServiceLogQuerySchema);
    const output = await openServiceLog(deps, accountOf(ctx), id, { follow });
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = output;
  });
}
