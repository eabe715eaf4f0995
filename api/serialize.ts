// JSON shapes of the original Zoe's REST API 0.7 (spec §3.2), and of this API's additions: times
// as epoch seconds (float, UTC). The application layer returns records; only this file decides how
// they look on the wire (api/openapi-schemas.ts describes the same shapes for the document).
import type { ExecutionDetails, ExecutionSummary } from '../executions/queries.js';
import type { EventRow, ExecutionRow, ServiceRow } from '../executions/repository.js';
import type { ShopListing } from '../executions/shop.js';
import { DEFAULT_CORES, GiB } from '../model/units.js';
import type { Role, UserRow } from '../users/repository.js';
import type { ShopZApp } from '../zapps/shop/index.js';
import type { AdminLimits } from '../zapps/validate.js';

const seconds = (date: Date | null): number | null => (date === null ? null : date.getTime() / 1000);

export function executionJson(row: ExecutionRow, serviceIds: number[]) {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    description: row.description,
    time_submit: seconds(row.time_submit),
    time_start: seconds(row.time_start),
    time_end: seconds(row.time_end),
    status: row.status,
    error_message: row.error_message,
    services: serviceIds,
    size: Number(row.size),
  };
}

/** `GET /execution/ID`: while queued, also its place in the queue and why it waits (ignored by old clients). */
export function executionDetailsJson({ execution, serviceIds, waiting }: ExecutionDetails) {
  return {
    ...executionJson(execution, serviceIds),
    ...(waiting ? { queue_position: waiting.position, waiting_reason: waiting.reason } : {}),
  };
}

/** Lists are maps from id to object, as in the original. */
export function executionMapJson(summaries: ExecutionSummary[]) {
  return Object.fromEntries(summaries.map((s) => [String(s.execution.id), executionJson(s.execution, s.serviceIds)]));
}

export function serviceJson(row: ServiceRow) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    error_message: row.error_message,
    execution_id: row.execution_id,
    description: row.description,
    service_group: row.service_group,
    backend_id: row.backend_id,
    ip_address: row.ip_address,
    backend_status: row.backend_status,
    backend_host: row.backend_host,
    essential: row.essential,
    proxy_address: null,
    restart_count: row.restart_count,
    exit_code: row.exit_code,
  };
}

export function eventJson(row: EventRow) {
  return { time: seconds(row.time), status: row.status, service: row.service_name, message: row.message };
}

export function userJson(row: UserRow) {
  return {
    id: row.id, username: row.username, fs_uid: row.fs_uid, email: row.email, priority: row.priority,
    enabled: row.enabled, auth_source: row.auth_source, quota_id: row.quota_id, role_id: row.role_id,
  };
}

/** Users, roles and quotas by id. */
export const mapById = <T extends { id: number }>(rows: T[], json: (row: T) => unknown = (row) => row) =>
  Object.fromEntries(rows.map((row) => [String(row.id), json(row)]));

function shopSummaryJson(zapp: ShopZApp, logoUrl: string) {
  return {
    id: zapp.id,
    category: zapp.category,
    name: zapp.name,
    readme_html: zapp.readmeHtml,
    logo_url: logoUrl,
    parameters: zapp.parameters,
  };
}

export function shopListJson(listing: ShopListing, logoUrl: (id: string) => string) {
  return {
    zapps: listing.zapps.map((zapp) => shopSummaryJson(zapp, logoUrl(zapp.id))),
    ...(listing.problems ? { problems: listing.problems } : {}),
  };
}

export function shopDetailJson(zapp: ShopZApp, logoUrl: string, role: Role, limits: AdminLimits) {
  return {
    ...shopSummaryJson(zapp, logoUrl),
    services: zapp.zapp.services.map((service) => ({
      name: service.name,
      image: service.image,
      monitor: service.monitor,
      essential_count: service.essential_count,
      total_count: service.total_count,
      resources: {
        memory_bytes: service.resources.memory.min,
        memory_gib: service.resources.memory.min / GiB,
        cores: service.resources.cores.min ?? DEFAULT_CORES,
      },
    })),
    can_customize: role.can_customize_resources,
    limits: { max_memory_gib: limits.maxMemoryBytes / GiB, max_cores: limits.maxCores },
    zapp: zapp.zapp,
  };
}
