// User, role and quota administration (spec §3.1 rows 5–19) and service discovery (row 28). Each
// route validates (strict zod schemas: an unknown field is a 400 naming it), authorises (checked
// before anything is looked up, so a refusal tells nothing about what exists), then acts.
import type { Router, RouterContext } from '@koa/router';
import type { z } from 'zod';
import { getExecution, servicesOf } from '../../executions/repository.js';
import { containerName } from '../../model/naming.js';
import {
  AccountError, createQuota, createRole, createUser, deleteQuota, deleteRole, deleteUser, getQuota, getRole, getUser,
  listQuotas, listRoles, listUsers, updateQuota, updateRole, updateUser,
} from '../../users/admin.js';
import {
  NameFilterSchema, NewQuotaSchema, NewRoleSchema, NewUserSchema, QuotaChangesSchema, RoleChangesSchema,
  SELF_EDITABLE_USER_FIELDS, UserChangesSchema, UserFilterSchema,
} from '../../users/schemas.js';
import { accountOf } from '../auth.js';
import { readJson } from '../body.js';
import type { ApiDeps } from '../deps.js';
import { badRequest, conflict, forbidden, notFound, ZoeError } from '../errors.js';
import { userJson } from '../serialize.js';
import { parseId } from './ids.js';

/** Validates `value`; a refusal names every problem, unknown fields included. */
function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path: issue.keys[0] ?? path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` };
    }
    return { path, message: `${path || what}: ${issue.message}` };
  });
  throw badRequest(`invalid ${what}: ${problems.map((p) => p.message).join('; ')}`, problems[0]!.path || undefined, { errors: problems });
}

/** The administration's refusals, as HTTP errors. */
async function act<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    switch (error.kind) {
      case 'not_found': throw new ZoeError(404, 'not_found', `${error.message} not found`, error.field);
      case 'conflict': throw conflict(error.message, error.field);
      case 'protected': throw new ZoeError(403, 'protected', error.message, error.field);
      case 'invalid': throw badRequest(error.message, error.field);
    }
  }
}

function requireConfigRights(ctx: RouterContext): void {
  if (!accountOf(ctx).role.can_change_config) throw forbidden('your role cannot change users, roles or quotas');
}

/** 201 with an empty body, as the original answered an update (Koa would otherwise send "Created"). */
function updated(ctx: RouterContext): void {
  ctx.status = 201;
  ctx.body = '';
}

const byId = <T extends { id: number }>(rows: T[], json: (row: T) => unknown = (r) => r) =>
  Object.fromEntries(rows.map((row) => [String(row.id), json(row)]));

export function adminRoutes(router: Router, deps: ApiDeps): void {
  const { pool } = deps;

  // ---- users
  router.get('/user/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    if (id !== accountOf(ctx).user.id) requireConfigRights(ctx);
    ctx.body = { user: userJson(await act(() => getUser(pool, id))) };
  });

  router.post('/user/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    const account = accountOf(ctx);
    const changes = parse(UserChangesSchema, await readJson(ctx), 'user changes');
    if (!account.role.can_change_config) {
      if (id !== account.user.id) throw forbidden('you can change only your own user');
      const other = Object.keys(changes).find((k) => !SELF_EDITABLE_USER_FIELDS.has(k));
      if (other !== undefined) throw new ZoeError(403, 'forbidden', `you can change only your email, not ${other}`, other);
    }
    await act(() => updateUser(pool, id, changes));
    updated(ctx);
  });

  router.delete('/user/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    requireConfigRights(ctx);
    await act(() => deleteUser(pool, id));
    ctx.status = 204;
  });

  router.get('/user', async (ctx) => {
    requireConfigRights(ctx);
    const filter = parse(UserFilterSchema, ctx.query, 'user filter');
    ctx.body = byId(await listUsers(pool, filter), userJson);
  });

  router.post('/user', async (ctx) => {
    requireConfigRights(ctx);
    const input = parse(NewUserSchema, await readJson(ctx), 'user');
    ctx.status = 201;
    ctx.body = { user_id: await act(() => createUser(pool, input)) };
  });

  // ---- roles
  router.get('/role/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    ctx.body = { role: await act(() => getRole(pool, id)) };
  });

  router.post('/role/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    requireConfigRights(ctx);
    const changes = parse(RoleChangesSchema, await readJson(ctx), 'role changes');
    await act(() => updateRole(pool, id, changes));
    updated(ctx);
  });

  router.delete('/role/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    requireConfigRights(ctx);
    await act(() => deleteRole(pool, id));
    ctx.status = 204;
  });

  router.get('/role', async (ctx) => {
    requireConfigRights(ctx);
    ctx.body = byId(await listRoles(pool, parse(NameFilterSchema, ctx.query, 'role filter').name));
  });

  router.post('/role', async (ctx) => {
    requireConfigRights(ctx);
    const input = parse(NewRoleSchema, await readJson(ctx), 'role');
    ctx.status = 201;
    ctx.body = { role_id: await act(() => createRole(pool, input)) };
  });

  // ---- quotas
  router.get('/quota/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    ctx.body = { quota: await act(() => getQuota(pool, id)) };
  });

  router.post('/quota/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    requireConfigRights(ctx);
    const changes = parse(QuotaChangesSchema, await readJson(ctx), 'quota changes');
    await act(() => updateQuota(pool, id, changes));
    updated(ctx);
  });

  router.delete('/quota/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    requireConfigRights(ctx);
    await act(() => deleteQuota(pool, id));
    ctx.status = 204;
  });

  router.get('/quota', async (ctx) => {
    requireConfigRights(ctx);
    ctx.body = byId(await listQuotas(pool, parse(NameFilterSchema, ctx.query, 'quota filter').name));
  });

  router.post('/quota', async (ctx) => {
    requireConfigRights(ctx);
    const input = parse(NewQuotaSchema, await readJson(ctx), 'quota');
    ctx.status = 201;
    ctx.body = { quota_id: await act(() => createQuota(pool, input)) };
  });

  // ---- discovery: the DNS names of an execution's services, of one service group or `all`
  router.get('/discovery/by_group/:exec_id/:group', async (ctx) => {
    const id = parseId(ctx.params.exec_id, 'exec_id');
    const group = ctx.params.group ?? '';
    const account = accountOf(ctx);
    const execution = await getExecution(pool, id);
    if (!execution || (execution.user_id !== account.user.id && !account.role.can_operate_others)) throw notFound(`execution ${id}`);
    const services = (await servicesOf(pool, [id])).filter((s) => group === 'all' || s.service_group === group);
    ctx.body = {
      service_type: group,
      execution_id: id,
      dns_names: services.map((s) => containerName(s.name, id, deps.config.deployment)),
    };
  });
}
