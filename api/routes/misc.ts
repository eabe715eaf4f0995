// Info, login, ZApp validation, services and scheduler statistics (spec §3.1).
import type { Router } from '@koa/router';
import { schedulerStatistics } from '../../executions/statistics.js';
import { parseZAppJson } from '../../zapps/validate.js';
import { accountOf } from '../auth.js';
import { readText } from '../body.js';
import { badRequest, unavailable } from '../errors.js';
import { serviceJson, userJson } from '../serialize.js';
import type { ApiDeps } from '../deps.js';
import { setSessionCookie } from '../session.js';
import { parseId } from './ids.js';
import { visibleService } from './visibility.js';

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
    const result = parseZAppJson(await readText(ctx), deps.config.limits);
    if (!result.valid) {
      throw badRequest(`invalid ZApp: ${result.errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ')}`,
        result.errors[0]!.path, { errors: result.errors });
    }
    ctx.body = { validation: 'ok' };
  });
}

export function loggedInRoutes(router: Router, deps: ApiDeps): void {
  router.get('/login', (ctx) => {
    const { user } = accountOf(ctx);
    setSessionCookie(ctx, deps.config, user);
    ctx.body = { user: userJson(user) };
  });

  router.get('/service/:id', async (ctx) => {
    const { service } = await visibleService(deps, accountOf(ctx), parseId(ctx.params.id));
    ctx.body = serviceJson(service);
  });

  router.get('/statistics/scheduler', async (ctx) => {
    try {
      ctx.body = await schedulerStatistics(deps.temporal, deps.pool, deps.config.deployment);
    } catch (error) {
      throw unavailable(`the scheduler did not answer (${(error as Error).message})`);
    }
  });
}
