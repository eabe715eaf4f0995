// Execution, service and port records: written at submit (API) and by the workflow's record
// activities; read by the REST API and the CLI.
import type { Queryable } from '../db/pool.js';
import type { InstanceSpec } from '../zapps/instances.js';
import type { ZApp } from '../zapps/schema.js';
import { ACTIVE_STATUSES, FINAL_STATUSES, type BackendStatus, type ExecutionStatus, type ServiceStatus } from '../model/statuses.js';

export interface ExecutionRow {
  id: number;
  name: string;
  user_id: number;
  description: ZApp;
  status: ExecutionStatus;
  size: number;
  time_submit: Date;
  time_start: Date | null;
  time_end: Date | null;
  error_message: string | null;
}

export interface ServiceRow {
  id: number;
  name: string;
  status: ServiceStatus;
  error_message: string | null;
  execution_id: number;
  description: unknown;
  service_group: string;
  backend_id: string | null;
  backend_status: BackendStatus;
  backend_host: string | null;
  ip_address: string | null;
  essential: boolean;
  restart_count: number;
  exit_code: number | null;
}

export interface PortRow {
  id: number;
  service_id: number;
  internal_name: string;
  external_ip: string | null;
  external_port: number | null;
  description: { name: string; url_template: string; port_number: number; protocol: string; proxy?: boolean };
}

export interface EventRow {
  seq: number;
  time: Date;
  /** The execution's new status; null for an event of one of its services. */
  status: ExecutionStatus | null;
  service_name: string | null;
  message: string;
}

const EXECUTION_COLUMNS = 'id, name, user_id, description, status, size::float8 AS size, time_submit, time_start, time_end, error_message';

export async function insertExecution(db: Queryable, row: { name: string; userId: number; description: ZApp; submittedAt: Date }): Promise<number> {
  const result = await db.query<{ id: number }>(
    `INSERT INTO execution (name, user_id, description, status, size, time_submit)
     VALUES ($1, $2, $3, 'submitted', $4, $5) RETURNING id`,
    [row.name, row.userId, JSON.stringify(row.description), row.description.size, row.submittedAt],
  );
  return result.rows[0]!.id;
}

/** One service row per instance and one port row per declared port; returns instance → service id. */
export async function insertServices(db: Queryable, executionId: number, zapp: ZApp, specs: InstanceSpec[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const spec of specs) {
    const description = zapp.services.find((s) => s.name === spec.service);
    const result = await db.query<{ id: number }>(
      `INSERT INTO service (status, description, execution_id, service_group, name, essential)
       VALUES ('created', $1, $2, $3, $4, $5) RETURNING id`,
      [JSON.stringify(description), executionId, spec.service, spec.instance, spec.essential],
    );
    const serviceId = result.rows[0]!.id;
    ids.set(spec.instance, serviceId);
    for (const port of spec.ports) {
      await db.query('INSERT INTO port (service_id, internal_name, description) VALUES ($1, $2, $3)',
        [serviceId, `${port.port_number}/${port.protocol}`, JSON.stringify(port)]);
    }
  }
  return ids;
}

export async function getExecution(db: Queryable, id: number): Promise<ExecutionRow | undefined> {
  return (await db.query<ExecutionRow>(`SELECT ${EXECUTION_COLUMNS} FROM execution WHERE id = $1`, [id])).rows[0];
}

export async function servicesOf(db: Queryable, executionIds: number[]): Promise<ServiceRow[]> {
  if (executionIds.length === 0) return [];
  return (await db.query<ServiceRow>('SELECT * FROM service WHERE execution_id = ANY($1) ORDER BY id', [executionIds])).rows;
}

export async function getService(db: Queryable, id: number): Promise<ServiceRow | undefined> {
  return (await db.query<ServiceRow>('SELECT * FROM service WHERE id = $1', [id])).rows[0];
}

export async function portsOf(db: Queryable, executionId: number): Promise<Array<PortRow & { service_name: string }>> {
  return (await db.query<PortRow & { service_name: string }>(
    `SELECT port.*, service.name AS service_name FROM port JOIN service ON service.id = port.service_id
     WHERE service.execution_id = $1 ORDER BY port.id`, [executionId])).rows;
}

export async function eventsOf(db: Queryable, executionId: number): Promise<EventRow[]> {
  return (await db.query<EventRow>(
    'SELECT seq, time, status, service_name, message FROM execution_event WHERE execution_id = $1 ORDER BY seq', [executionId])).rows;
}

export interface ExecutionFilters {
  userId?: number | undefined;
  status?: string | undefined;
  name?: string | undefined;
  limit?: number | undefined;
  earlierThanSubmit?: Date | undefined;
  laterThanSubmit?: Date | undefined;
  earlierThanStart?: Date | undefined;
  laterThanStart?: Date | undefined;
  earlierThanEnd?: Date | undefined;
  laterThanEnd?: Date | undefined;
}

export async function listExecutions(db: Queryable, filters: ExecutionFilters): Promise<ExecutionRow[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (filters.userId !== undefined) add('user_id = ?', filters.userId);
  if (filters.status !== undefined) add('status = ?', filters.status);
  if (filters.name !== undefined) add('name = ?', filters.name);
  if (filters.earlierThanSubmit) add('time_submit < ?', filters.earlierThanSubmit);
  if (filters.laterThanSubmit) add('time_submit > ?', filters.laterThanSubmit);
  if (filters.earlierThanStart) add('time_start < ?', filters.earlierThanStart);
  if (filters.laterThanStart) add('time_start > ?', filters.laterThanStart);
  if (filters.earlierThanEnd) add('time_end < ?', filters.earlierThanEnd);
  if (filters.laterThanEnd) add('time_end > ?', filters.laterThanEnd);
  let sql = `SELECT ${EXECUTION_COLUMNS} FROM execution`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ' ORDER BY id DESC';
  if (filters.limit !== undefined) {
    values.push(filters.limit);
    sql += ` LIMIT $${values.length}`;
  }
  return (await db.query<ExecutionRow>(sql, values)).rows;
}

/** What the user's active executions reserve, for the quota check at submit. */
export async function activeUsage(db: Queryable, userId: number): Promise<{ executions: number; memory: number; cores: number }> {
  const result = await db.query<{ executions: number; memory: number; cores: number }>(
    `SELECT COUNT(DISTINCT e.id)::int AS executions,
            COALESCE(SUM((s.description->'resources'->'memory'->>'min')::float8), 0)::float8 AS memory,
            COALESCE(SUM(COALESCE((s.description->'resources'->'cores'->>'min')::float8, 0.1)), 0)::float8 AS cores
     FROM execution e LEFT JOIN service s ON s.execution_id = e.id
     WHERE e.user_id = $1 AND e.status = ANY($2)`,
    [userId, ACTIVE_STATUSES],
  );
  return result.rows[0]!;
}

/** The ids of the user's active executions, oldest first. */
export async function activeExecutionIds(db: Queryable, userId: number): Promise<number[]> {
  const result = await db.query<{ id: number }>('SELECT id FROM execution WHERE user_id = $1 AND status = ANY($2) ORDER BY id',
    [userId, ACTIVE_STATUSES]);
  return result.rows.map((row) => row.id);
}

/** Deletes an ended execution's record (its services, ports and events go with it); false if it is not an ended one. */
export async function deleteEndedExecution(db: Queryable, id: number): Promise<boolean> {
  const result = await db.query('DELETE FROM execution WHERE id = $1 AND status = ANY($2)', [id, FINAL_STATUSES]);
  return (result.rowCount ?? 0) > 0;
}

/** The owner's user name, for the endpoint URL templates. */
export async function ownerName(db: Queryable, userId: number): Promise<string | undefined> {
  return (await db.query<{ username: string }>('SELECT username FROM "user" WHERE id = $1', [userId])).rows[0]?.username;
}
