// User, role and quota administration (spec §3.1 rows 5–19), and terminating every active
// execution of a user. Each route validates (strict zod schemas: an unknown field is a 400 naming
// it), then calls the application function, which authorises before it looks anything up.
import type { Router, RouterContext } from '@koa/router';
import * as admin from '../../executions/administration.js';
import { terminateUserExecutions } from '../../executions/terminate.js';
import {
  NameFilterSchema, NewQuotaSchema, NewRoleSchema, NewUserSchema, QuotaChangesSchema, RoleChangesSchema,
  UserChangesSchema, UserFilterSchema,
} from '../../users/schemas.js';
import { accountOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { parseBody, parseId, parseQuery } from '../input.js';
import { mapById, userJson } from '../serialize.js';

/** 201 with an empty body, as the original answered an update (Koa would otherwise send "Created"). */
function updated(ctx: RouterContext): void {
  ctx.status = 201;
  ctx.body = '';
}

export function adminRoutes(router: Router, deps: ApiDeps): void {
  // ---- users
  router.get('/user/:id', async (ctx) => {
    ctx.body = { user: userJson(await admin.getUser(deps, accountOf(ctx), parseId(ctx.params.id))) };
  });

  router.post('/user/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    const changes = await parseBody(ctx, UserChangesSchema, 'user changes');
    await admin.updateUser(deps, accountOf(ctx), id, changes);
    updated(ctx);
  });

  router.delete('/user/:id', async (ctx) => {
    await admin.deleteUser(deps, accountOf(ctx), parseId(ctx.params.id));
    ctx.status = 204;
  });

  router.delete('/user/:id/executions', async (ctx) => {
    const id = parseId(ctx.params.id);
    ctx.body = { user_id: id, terminated: await terminateUserExecutions(deps, accountOf(ctx), id, 'API') };
  });

  router.get('/user', async (ctx) => {
    const filter = parseQuery(ctx, UserFilterSchema);
    ctx.body = mapById(await admin.listUsers(deps, accountOf(ctx), filter), userJson);
  });

  router.post('/user', async (ctx) => {
    const input = await parseBody(ctx, NewUserSchema, 'user');
    const id = await admin.createUser(deps, accountOf(ctx), input);
    ctx.status = 201;
    ctx.body = { user_id: id };
  });

  // ---- roles
  router.get('/role/:id', async (ctx) => {
    ctx.body = { role: await admin.getRole(deps, accountOf(ctx), parseId(ctx.params.id)) };
  });

  router.post('/role/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    const changes = await parseBody(ctx, RoleChangesSchema, 'role changes');
    await admin.updateRole(deps, accountOf(ctx), id, changes);
    updated(ctx);
  });

  router.delete('/role/:id', async (ctx) => {
    await admin.deleteRole(deps, accountOf(ctx), parseId(ctx.params.id));
    ctx.status = 204;
  });

  router.get('/role', async (ctx) => {
    const { name } = parseQuery(ctx, NameFilterSchema);
    ctx.body = mapById(await admin.listRoles(deps, accountOf(ctx), name));
  });

  router.post('/role', async (ctx) => {
    const input = await parseBody(ctx, NewRoleSchema, 'role');
    const id = await admin.createRole(deps, accountOf(ctx), input);
    ctx.status = 201;
    ctx.body = { role_id: id };
  });

  // ---- quotas
  router.get('/quota/:id', async (ctx) => {
    ctx.body = { quota: await admin.getQuota(deps, accountOf(ctx), parseId(ctx.params.id)) };
  });

  router.post('/quota/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    const changes = await parseBody(ctx, QuotaChangesSchema, 'quota changes');
    await admin.updateQuota(deps, accountOf(ctx), id, changes);
    updated(ctx);
  });

  router.delete('/quota/:id', async (ctx) => {
    await admin.deleteQuota(deps, accountOf(ctx), parseId(ctx.params.id));
    ctx.status = 204;
  });

  router.get('/quota', async (ctx) => {
    const { name } = parseQuery(ctx, NameFilterSchema);
    ctx.body = mapById(await admin.listQuotas(deps, accountOf(ctx), name));
  });

  router.post('/quota', async (ctx) => {
    const input = await parseBody(ctx, NewQuotaSchema, 'quota');
    const id = await admin.createQuota(deps, accountOf(ctx), input);
    ctx.status = 201;
    ctx.body = { quota_id: id };
  });
}
