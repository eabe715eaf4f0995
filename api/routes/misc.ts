// Info, login, ZApp validation and scheduler statistics (spec §3.1).
import type { Router } from '@koa/router';
import { schedulerStatistics } from '../../executions/statistics.js';
import { checkZAppText } from '../../executions/zapp-check.js';
import { accountOf } from '../auth.js';
import { readText } from '../body.js';
import type { ApiDeps } from '../deps.js';
import { userJson } from '../serialize.js';
import { setSessionCookie } from '../session.js';

export const ZOE_VERSION = '2026.11';
export const API_VERSION = '0.7';
export const APPLICATION_FORMAT_VERSION = 3;

export function publicRoutes(router: Router, deps: ApiDeps): void {
  router.get('/info', (ctx) => {
    ctx.body = {
      version: ZOE_VERSION,
      api_version: API_VERSION,
      application_format_version: APPLICATION_FORMAT_VERSION,
      deployment_name: deps.config.deployment,
    };
  });

  // The body is validated as text, exactly as `zoe zapp validate FILE` does, so both give the same
  // problems for the same file, a JSON syntax error (with its line and column) included.
  router.post('/zapp_validate', async (ctx) => {
    checkZAppText(deps.config.limits, await readText(ctx));
    ctx.body = { validation: 'ok' };
  });
}

export function loggedInRoutes(router: Router, deps: ApiDeps): void {
  router.get('/login', (ctx) => {
    const { user } = accountOf(ctx);
    setSessionCookie(ctx, deps.config, user);
    ctx.body = { user: userJson(user) };
  });

  router.get('/statistics/scheduler', async (ctx) => {
    ctx.body = await schedulerStatistics(deps, accountOf(ctx));
  });
}
