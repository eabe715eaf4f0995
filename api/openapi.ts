// `GET /api/0.7/openapi.json`: an OpenAPI 3.1 document generated from the zod schemas the routes
// validate with (request bodies, query filters, the ZApp format) and the response shapes of
// openapi-schemas.ts. The table below lists every route once; test/openapi.test.ts checks it
// against the routers, so a route added without a line here fails the build.
import type { Context } from 'koa';
import { z } from 'zod';
import {
  ListQuerySchema, MAX_ID, RestartRequestSchema, ServiceLogQuerySchema, SHOP_ID_PATTERN, ShopStartSchema, StartRequestSchema,
} from '../executions/schemas.js';
import {
  NameFilterSchema, NewQuotaSchema, NewRoleSchema, NewUserSchema, QuotaChangesSchema, RoleChangesSchema,
  UserChangesSchema, UserFilterSchema,
} from '../users/schemas.js';
import { zappSchema } from '../zapps/schema.js';
import {
  DiscoverySchema, EndpointsSchema, ErrorSchema, ExecutionCreatedSchema, ExecutionSchema, HistorySchema, InfoSchema,
  QuotaCreatedSchema, QuotaSchema, RoleCreatedSchema, RoleSchema, SchedulerStatsSchema, ServiceSchema, ShopDetailSchema,
  ShopListSchema, UserCreatedSchema, UserSchema, UserTerminatedSchema, ValidationOkSchema,
} from './openapi-schemas.js';
import { API_VERSION, ZOE_VERSION } from './routes/misc.js';

type JsonObject = Record<string, unknown>;

/** A reply: a named schema (JSON), raw content of a media type, or no body. */
type Reply = { description: string; schema?: z.ZodType; media?: { type: string; schema: JsonObject } };

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** Koa form, below /api/0.7: `/execution/:id`. */
  path: string;
  tag: string;
  summary: string;
  /** Public routes need no login; the others take HTTP Basic or the session cookie. */
  public?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out (every field of it is optional). */
  optionalBody?: boolean;
  ok: Record<number, Reply>;
  /** Refusals beyond the login ones (401, 403 for guests, 503 when the directory is down). */
  errors?: number[];
}

const json = (description: string, schema: z.ZodType): Reply => ({ description, schema });
const empty = (description: string): Reply => ({ description });
const mapOf = (schema: z.ZodType) => z.record(z.string().regex(/^[0-9]+$/), schema);
const ExecutionMapSchema = mapOf(ExecutionSchema);
const UserMapSchema = mapOf(UserSchema);
const RoleMapSchema = mapOf(RoleSchema);
const QuotaMapSchema = mapOf(QuotaSchema);
const UserReplySchema = z.strictObject({ user: UserSchema });
const RoleReplySchema = z.strictObject({ role: RoleSchema });
const QuotaReplySchema = z.strictObject({ quota: QuotaSchema });
/** POST /execution: `application` is checked against the ZApp format after the envelope. */
const StartExecutionSchema = StartRequestSchema.extend({ application: zappSchema });

/** Every component, by name: each becomes `#/components/schemas/<name>`, referenced where used. */
const components: Record<string, z.ZodType> = {
  ZApp: zappSchema, StartExecution: StartExecutionSchema, RestartExecution: RestartRequestSchema, ShopStart: ShopStartSchema,
  NewUser: NewUserSchema, UserChanges: UserChangesSchema, NewRole: NewRoleSchema, RoleChanges: RoleChangesSchema,
  NewQuota: NewQuotaSchema, QuotaChanges: QuotaChangesSchema,
  Error: ErrorSchema, Info: InfoSchema, ValidationOk: ValidationOkSchema,
  Execution: ExecutionSchema, ExecutionMap: ExecutionMapSchema, ExecutionCreated: ExecutionCreatedSchema,
  History: HistorySchema, Endpoints: EndpointsSchema, Service: ServiceSchema, Discovery: DiscoverySchema,
  SchedulerStats: SchedulerStatsSchema, ShopList: ShopListSchema, ShopDetail: ShopDetailSchema,
  User: UserSchema, UserTerminated: UserTerminatedSchema, UserReply: UserReplySchema, RoleReply: RoleReplySchema, QuotaReply: QuotaReplySchema, UserMap: UserMapSchema, UserCreated: UserCreatedSchema,
  Role: RoleSchema, RoleMap: RoleMapSchema, RoleCreated: RoleCreatedSchema,
  Quota: QuotaSchema, QuotaMap: QuotaMapSchema, QuotaCreated: QuotaCreatedSchema,
};

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/info', tag: 'misc', public: true, summary: 'Versions and deployment name', ok: { 200: json('Static information', InfoSchema) } },
  { method: 'get', path: '/openapi.json', tag: 'misc', public: true, summary: 'This document', ok: { 200: { description: 'OpenAPI 3.1', media: { type: 'application/json', schema: { type: 'object' } } } } },
  { method: 'post', path: '/zapp_validate', tag: 'misc', public: true, summary: 'Validate a ZApp description (the body, as text)', body: zappSchema, ok: { 200: json('Valid', ValidationOkSchema) }, errors: [400, 413] },
  { method: 'get', path: '/login', tag: 'misc', summary: 'Log in: the user, and the session cookie `zoe` in Set-Cookie', ok: { 200: json('Logged in', UserReplySchema) } },
  { method: 'get', path: '/statistics/scheduler', tag: 'misc', summary: 'Scheduler: hosts, queue with reasons, placements', ok: { 200: json('Snapshot', SchedulerStatsSchema) } },

  { method: 'post', path: '/execution', tag: 'executions', summary: 'Start an execution of a ZApp', body: StartExecutionSchema, ok: { 201: json('Submitted', ExecutionCreatedSchema) }, errors: [400, 409, 413] },
  { method: 'get', path: '/execution', tag: 'executions', summary: 'List executions (yours; all with can_operate_others)', query: ListQuerySchema, ok: { 200: json('Executions by id', ExecutionMapSchema) }, errors: [400] },
  { method: 'get', path: '/execution/:id', tag: 'executions', summary: 'One execution', ok: { 200: json('The execution', ExecutionSchema) }, errors: [400, 404] },
  { method: 'delete', path: '/execution/:id', tag: 'executions', summary: 'Terminate an active execution', ok: { 204: empty('Termination requested') }, errors: [400, 404] },
  {
    method: 'post', path: '/execution/restart/:id', tag: 'executions',
    summary: 'Start a new execution of yours from a copy of this one\'s ZApp, with its name or a new one', body: RestartRequestSchema, optionalBody: true,
    ok: { 201: json('Submitted', ExecutionCreatedSchema) }, errors: [400, 404, 409, 413],
  },
  { method: 'delete', path: '/execution/delete/:id', tag: 'executions', summary: 'Delete the record of an ended execution (can_delete_executions)', ok: { 204: empty('Deleted') }, errors: [400, 404] },
  { method: 'get', path: '/execution/endpoints/:id', tag: 'executions', summary: 'Published endpoints', ok: { 200: json('Endpoints', EndpointsSchema) }, errors: [400, 404] },
  { method: 'get', path: '/execution/history/:id', tag: 'executions', summary: 'Every state change with its time', ok: { 200: json('History', HistorySchema) }, errors: [400, 404] },
  { method: 'get', path: '/service/:id', tag: 'executions', summary: 'One service', ok: { 200: json('The service', ServiceSchema) }, errors: [400, 404] },
  {
    method: 'get', path: '/service/logs/:id', tag: 'executions', summary: 'A service\'s output: live while it runs (`?follow=0`: what is there now)',
    query: ServiceLogQuerySchema,
    ok: { 200: { description: 'Lines `<timestamp> <text>`', media: { type: 'text/plain', schema: { type: 'string' } } } }, errors: [400, 404],
  },
  { method: 'get', path: '/discovery/by_group/:exec_id/:group', tag: 'executions', summary: 'DNS names of a service group (or `all`)', ok: { 200: json('DNS names', DiscoverySchema) }, errors: [400, 404] },

  { method: 'get', path: '/zapp_shop', tag: 'shop', summary: 'The ZApps your role may see', ok: { 200: json('The shop', ShopListSchema) } },
  { method: 'get', path: '/zapp_shop/:id', tag: 'shop', summary: 'One shop ZApp: readme, parameters, services, limits', ok: { 200: json('The ZApp', ShopDetailSchema) }, errors: [400, 404] },
  { method: 'get', path: '/zapp_shop/:id/logo', tag: 'shop', summary: 'Its logo', ok: { 200: { description: 'PNG', media: { type: 'image/png', schema: { type: 'string', contentMediaType: 'image/png' } } } }, errors: [400, 404] },
  { method: 'post', path: '/zapp_shop/:id/start', tag: 'shop', summary: 'Start a shop ZApp with parameters and resources (those for can_customize_resources)', body: ShopStartSchema, ok: { 201: json('Submitted', ExecutionCreatedSchema) }, errors: [400, 404, 409, 413] },

  { method: 'get', path: '/user/:id', tag: 'admin', summary: 'A user (yourself, or anyone with can_change_config)', ok: { 200: json('The user', UserReplySchema) }, errors: [400, 404] },
  { method: 'post', path: '/user/:id', tag: 'admin', summary: 'Change a user (your own email; anything with can_change_config)', body: UserChangesSchema, ok: { 201: empty('Changed') }, errors: [400, 404, 409, 413] },
  { method: 'delete', path: '/user/:id', tag: 'admin', summary: 'Delete a user and its execution records', ok: { 204: empty('Deleted') }, errors: [400, 404, 409] },
  { method: 'delete', path: '/user/:id/executions', tag: 'admin', summary: 'Terminate every active execution of a user (can_operate_others)', ok: { 200: json('Asked to terminate', UserTerminatedSchema) }, errors: [400, 404] },
  { method: 'get', path: '/user', tag: 'admin', summary: 'List users', query: UserFilterSchema, ok: { 200: json('Users by id', UserMapSchema) }, errors: [400] },
  { method: 'post', path: '/user', tag: 'admin', summary: 'Create a user', body: NewUserSchema, ok: { 201: json('Created', UserCreatedSchema) }, errors: [400, 404, 409, 413] },
  { method: 'get', path: '/role/:id', tag: 'admin', summary: 'A role', ok: { 200: json('The role', RoleReplySchema) }, errors: [400, 404] },
  { method: 'post', path: '/role/:id', tag: 'admin', summary: 'Change a role', body: RoleChangesSchema, ok: { 201: empty('Changed') }, errors: [400, 404, 409, 413] },
  { method: 'delete', path: '/role/:id', tag: 'admin', summary: 'Delete a role (its users get the role user)', ok: { 204: empty('Deleted') }, errors: [400, 404] },
  { method: 'get', path: '/role', tag: 'admin', summary: 'List roles', query: NameFilterSchema, ok: { 200: json('Roles by id', RoleMapSchema) }, errors: [400] },
  { method: 'post', path: '/role', tag: 'admin', summary: 'Create a role', body: NewRoleSchema, ok: { 201: json('Created', RoleCreatedSchema) }, errors: [400, 409, 413] },
  { method: 'get', path: '/quota/:id', tag: 'admin', summary: 'A quota', ok: { 200: json('The quota', QuotaReplySchema) }, errors: [400, 404] },
  { method: 'post', path: '/quota/:id', tag: 'admin', summary: 'Change a quota', body: QuotaChangesSchema, ok: { 201: empty('Changed') }, errors: [400, 404, 409, 413] },
  { method: 'delete', path: '/quota/:id', tag: 'admin', summary: 'Delete a quota (its users get the default quota)', ok: { 204: empty('Deleted') }, errors: [400, 404] },
  { method: 'get', path: '/quota', tag: 'admin', summary: 'List quotas', query: NameFilterSchema, ok: { 200: json('Quotas by id', QuotaMapSchema) }, errors: [400] },
  { method: 'post', path: '/quota', tag: 'admin', summary: 'Create a quota', body: NewQuotaSchema, ok: { 201: json('Created', QuotaCreatedSchema) }, errors: [400, 409, 413] },
];

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: the message names the field',
  401: 'No valid login',
  403: 'Not allowed (guests may not use the API; some routes need a capability)',
  404: 'Not found, or someone else\'s (indistinguishable)',
  409: 'Refused: quota, or a conflict with existing records',
  413: 'The body is larger than 1 MiB',
  429: 'Too many attempts: the Retry-After header says when to try again',
  503: 'The workflow engine or the authentication directory does not answer',
};

/** Path parameters, by name. */
const PATH_PARAMETERS: Record<string, JsonObject> = {
  id: { type: 'integer', minimum: 1, maximum: MAX_ID },
  exec_id: { type: 'integer', minimum: 1, maximum: MAX_ID },
  group: { type: 'string', description: 'a service name, or `all`' },
};
const SHOP_ID: JsonObject = { type: 'string', pattern: SHOP_ID_PATTERN.source, description: '<folder>-<index>' };

/** `/execution/:id` → `/execution/{id}`. */
export const openApiPath = (koaPath: string): string => koaPath.replace(/:([A-Za-z_]+)/g, '{$1}');

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function componentSchemas(): { schemas: Record<string, JsonObject>; nameOf: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const nameOf = new Map<z.ZodType, string>();
  for (const [name, schema] of Object.entries(components)) {
    registry.add(schema, { id: name });
    nameOf.set(schema, name);
  }
  const generated = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'any', uri: (name) => ref(name).$ref });
  const schemas: Record<string, JsonObject> = {};
  for (const [name, schema] of Object.entries(generated.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
    schemas[name] = rest;
  }
  return { schemas, nameOf };
}

function operation(route: RouteDoc, nameOf: Map<z.ZodType, string>): JsonObject {
  const named = (schema: z.ZodType) => {
    const name = nameOf.get(schema);
    if (name === undefined) throw new Error(`openapi: ${route.method} ${route.path} uses a schema missing from the components`);
    return ref(name);
  };
  const parameters: JsonObject[] = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map(([, name]) => ({
    name, in: 'path', required: true,
    schema: route.path.startsWith('/zapp_shop/') && name === 'id' ? SHOP_ID : PATH_PARAMETERS[name!],
  }));
  if (route.query) {
    const query = z.toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonObject>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  const responses: Record<string, JsonObject> = {};
  for (const [status, reply] of Object.entries(route.ok)) {
    const content = reply.schema ? { 'application/json': { schema: named(reply.schema) } }
      : reply.media ? { [reply.media.type]: { schema: reply.media.schema } } : undefined;
    responses[status] = content ? { description: reply.description, content } : { description: reply.description };
  }
  const refusals = new Set([...(route.errors ?? []), ...(route.public ? [] : [401, 403, 503])]);
  for (const status of [...refusals].sort()) {
    responses[String(status)] = { description: ERROR_TEXT[status] ?? 'Error', content: { 'application/json': { schema: ref('Error') } } };
  }
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
    tags: [route.tag],
    summary: route.summary,
    ...(route.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: !route.optionalBody, content: { 'application/json': { schema: named(route.body) } } } } : {}),
    responses,
  };
}

/** The whole document; the same object every time (it depends on the code only). */
export function openApiDocument(): JsonObject {
  cached ??= build();
  return cached;
}
let cached: JsonObject | undefined;

function build(): JsonObject {
  const { schemas, nameOf } = componentSchemas();
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of ROUTES) {
    (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route, nameOf);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Zoe REST API',
      version: `${API_VERSION} (Zoe ${ZOE_VERSION})`,
      description: 'The original Zoe\'s API 0.7, same paths and JSON. Log in with HTTP Basic, or with the session cookie `zoe` that GET /login sets. Errors carry `{error: {code, message, field?}}`.',
    },
    servers: [{ url: `/api/${API_VERSION}` }],
    tags: ['misc', 'executions', 'shop', 'admin'].map((name) => ({ name })),
    security: [{ basic: [] }, { cookie: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'zoe' },
      },
    },
  };
}

export function serveOpenApi(ctx: Context): void {
  ctx.body = openApiDocument();
}
