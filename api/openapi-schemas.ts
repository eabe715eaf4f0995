// The JSON the API answers with (spec §3.2, plus this API's additions), as zod schemas: the OpenAPI
// document is generated from them, and test/openapi.test.ts checks real replies against them, so
// the document cannot drift from what serialize.ts and the routes actually send.
import { z } from 'zod';
import { BackendStatusSchema, ExecutionStatusSchema, ServiceStatusSchema } from '../model/statuses.js';

const id = z.number().int().min(1);
/** Epoch seconds (float, UTC), as the original's times. */
const epochSeconds = z.number();


export const ErrorSchema = z.strictObject({
  error: z.strictObject({
    /** Stable and machine-readable: invalid_request, unauthorized, forbidden, protected, not_found, conflict, payload_too_large, too_many_requests, unavailable, internal_error. */
    code: z.string(),
    message: z.string(),
    /** The field the problem is about, as a path into the request (`application.services[0].image`). */
    field: z.string().optional(),
    /** For invalid input: every problem found, each with its path in the request (like `field`). */
    details: z.strictObject({ errors: z.array(z.strictObject({ path: z.string(), message: z.string() })) }).optional(),
  }),
});

export const InfoSchema = z.strictObject({
  version: z.string(),
  api_version: z.string(),
  application_format_version: z.number().int(),
  deployment_name: z.string(),
});

export const UserSchema = z.strictObject({
  id,
  username: z.string(),
  fs_uid: z.number().int(),
  email: z.string().nullable(),
  priority: z.number().int(),
  enabled: z.boolean(),
  auth_source: z.string(),
  quota_id: id,
  role_id: id,
});

export const RoleSchema = z.strictObject({
  id,
  name: z.string(),
  can_see_status: z.boolean(),
  can_change_config: z.boolean(),
  can_operate_others: z.boolean(),
  can_delete_executions: z.boolean(),
  can_access_api: z.boolean(),
  can_customize_resources: z.boolean(),
  can_access_full_zapp_shop: z.boolean(),
});

export const QuotaSchema = z.strictObject({
  id,
  name: z.string(),
  concurrent_executions: z.number().int().min(0),
  /** Bytes; 0: unlimited. */
  memory: z.number().int().min(0),
  cores: z.number().min(0),
  /** Hours; 0: unlimited. */
  runtime_limit: z.number().int().min(0),
});

export const ExecutionSchema = z.strictObject({
  id,
  user_id: id,
  name: z.string(),
  /** The ZApp the execution was started with. */
  description: z.record(z.string(), z.unknown()),
  time_submit: epochSeconds,
  time_start: epochSeconds.nullable(),
  time_end: epochSeconds.nullable(),
  status: ExecutionStatusSchema,
  /** The last error, or the reason it ended. */
  error_message: z.string().nullable(),
  /** Ids of its services. */
  services: z.array(id),
  size: z.number(),
  /** GET /execution/ID of a queued execution: its place in the queue (1 is next). */
  queue_position: z.number().int().min(1).optional(),
  /** GET /execution/ID of a queued execution: why it waits. */
  waiting_reason: z.string().optional(),
});

export const ServiceSchema = z.strictObject({
  id,
  name: z.string(),
  status: ServiceStatusSchema,
  error_message: z.string().nullable(),
  execution_id: id,
  /** This service's part of the ZApp. */
  description: z.unknown(),
  service_group: z.string(),
  backend_id: z.string().nullable(),
  ip_address: z.string().nullable(),
  backend_status: BackendStatusSchema,
  backend_host: z.string().nullable(),
  essential: z.boolean(),
  proxy_address: z.string().nullable(),
  restart_count: z.number().int(),
  /** An addition: the container's exit code once it has ended. */
  exit_code: z.number().int().nullable(),
});

export const HistorySchema = z.strictObject({
  execution_id: id,
  events: z.array(z.strictObject({
    time: epochSeconds,
    /** The execution's new status, or null for a service event. */
    status: ExecutionStatusSchema.nullable(),
    service: z.string().nullable(),
    message: z.string(),
  })),
});

export const EndpointsSchema = z.strictObject({
  /** `[readable name, URL, proxy URL or null]` for each published port. */
  endpoints: z.array(z.tuple([z.string(), z.string(), z.string().nullable()])),
});

export const DiscoverySchema = z.strictObject({
  service_type: z.string(),
  execution_id: id,
  dns_names: z.array(z.string()),
});

const nodeSchema = z.strictObject({
  name: z.string(),
  container_count: z.number().int(),
  cores_total: z.number(), cores_reserved: z.number(), cores_allocated: z.number(), cores_in_use: z.number(),
  memory_total: z.number(), memory_reserved: z.number(), memory_allocated: z.number(), memory_in_use: z.number(),
  labels: z.array(z.string()),
  status: z.enum(['online', 'offline']),
  /** By service id: its limits. */
  service_stats: z.record(z.string(), z.strictObject({ core_limit: z.number(), mem_limit: z.number() })),
  images: z.array(z.strictObject({ id: z.string(), size: z.number(), names: z.array(z.string()) })),
});

/** The original's shape (spec §3.3), plus `waiting`: each queued execution's position and reason. */
export const SchedulerStatsSchema = z.strictObject({
  queue_length: z.number().int(),
  running_length: z.number().int(),
  termination_queue_length: z.number().int(),
  queue: z.array(id),
  running_queue: z.array(id),
  termination_queue: z.array(id),
  /** Empty until the host inventory is known. */
  platform_stats: z.union([
    z.strictObject({
      container_count: z.number().int(),
      memory_total: z.number(), cores_total: z.number(),
      memory_reserved: z.number(), cores_reserved: z.number(),
      memory_in_use: z.number(), cores_in_use: z.number(),
      nodes: z.array(nodeSchema),
    }),
    z.strictObject({}),
  ]),
  waiting: z.array(z.strictObject({
    executionId: id,
    /** 1 is next. */
    position: z.number().int().min(1),
    reason: z.string(),
    /** The shortage as data: labels, hosts, capacity, held or invalid, with its details. */
    short: z.looseObject({ kind: z.enum(['labels', 'hosts', 'capacity', 'held', 'invalid']) }),
    effectiveSize: z.number().optional(),
  })),
});

const parameterCommon = {
  kind: z.enum(['environment', 'command', 'service_count']),
  /** The environment variable, or the service whose command or count it sets. */
  name: z.string(),
  readable_name: z.string(),
  description: z.string(),
};
const shopParameterSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...parameterCommon, type: z.literal('string'), default: z.string().nullable() }),
  z.strictObject({
    ...parameterCommon, type: z.literal('int'), default: z.number().int().nullable(),
    min: z.number().int(), max: z.number().int(), step: z.number().int(),
  }),
]);

export const ShopSummarySchema = z.strictObject({
  id: z.string(),
  category: z.string(),
  name: z.string(),
  readme_html: z.string(),
  logo_url: z.string(),
  parameters: z.array(shopParameterSchema),
});

export const ShopListSchema = z.strictObject({
  zapps: z.array(ShopSummarySchema),
  /** Admins only: shop folders left out, and why. */
  problems: z.array(z.strictObject({ folder: z.string(), reason: z.string() })).optional(),
});

export const ShopDetailSchema = ShopSummarySchema.extend({
  services: z.array(z.strictObject({
    name: z.string(),
    image: z.string(),
    monitor: z.boolean(),
    essential_count: z.number().int(),
    total_count: z.number().int(),
    resources: z.strictObject({ memory_bytes: z.number(), memory_gib: z.number(), cores: z.number() }),
  })),
  can_customize: z.boolean(),
  limits: z.strictObject({ max_memory_gib: z.number(), max_cores: z.number() }),
  /** The ZApp as the shop holds it, before parameters. */
  zapp: z.record(z.string(), z.unknown()),
});

export const ExecutionCreatedSchema = z.strictObject({ execution_id: id });
/** `DELETE /user/ID/executions`: the executions asked to terminate (those that ended meanwhile are left out). */
export const UserTerminatedSchema = z.strictObject({ user_id: id, terminated: z.array(id) });
export const UserCreatedSchema = z.strictObject({ user_id: id });
export const RoleCreatedSchema = z.strictObject({ role_id: id });
export const QuotaCreatedSchema = z.strictObject({ quota_id: id });
export const ValidationOkSchema = z.strictObject({ validation: z.literal('ok') });
