// The Koa application: the REST API under /api/0.7 (Zoe-compatible paths and JSON shapes), with
// errors mapped to HTTP in one middleware and CORS that covers every method the API uses.
import { Router } from '@koa/router';
import Koa from 'koa';
import { requireLogin } from './auth.js';
import type { ApiDeps } from './deps.js';
import { NotFound } from '../model/errors.js';
import { errorMiddleware } from './errors.js';
import { serveOpenApi } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import { executionRoutes } from './routes/executions.js';
import { logRoutes } from './routes/logs.js';
import { loggedInRoutes, publicRoutes } from './routes/misc.js';
import { shopRoutes } from './routes/shop.js';

export const API_PREFIX = '/api/0.7';

export function createApp(deps: ApiDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  // Errors after the reply has started (a stream failing) reach this; a client that stops reading a
  // stream (Ctrl-C on `zoe logs -f`) is not one. Koa would print the others to stderr, not the log.
  app.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    deps.log.error('error after the reply started', { error: error.stack ?? String(error) });
  });
  app.use(errorMiddleware(deps.log));
  app.use(async (ctx, next) => {
    const origin = ctx.get('origin');
    ctx.set('Access-Control-Allow-Origin', origin || '*');
    ctx.set('Access-Control-Allow-Credentials', 'true');
    ctx.set('Access-Control-Allow-Methods', 'OPTIONS, GET, POST, DELETE');
    ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    await next();
  });

  const open = new Router({ prefix: API_PREFIX });
  publicRoutes(open, deps);
  open.get('/openapi.json', serveOpenApi);
  const secured = new Router({ prefix: API_PREFIX });
  secured.use(requireLogin(deps));
  loggedInRoutes(secured, deps);
  executionRoutes(secured, deps);
  logRoutes(secured, deps);
  shopRoutes(secured, deps);
  adminRoutes(secured, deps);

  app.use(open.routes());
  app.use(open.allowedMethods());
  app.use(secured.routes());
  app.use(secured.allowedMethods());
  app.use((ctx) => {
    throw new NotFound(`${ctx.method} ${ctx.path}`);
  });
  return app;
}
