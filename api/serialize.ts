// JSON shapes of the original Zoe's REST API 0.7 (spec §3.2): times as epoch seconds (float, UTC).
import type { EventRow, ExecutionRow, ServiceRow } from '../executions/repository.js';
import type { UserRow } from '../users/repository.js';

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
