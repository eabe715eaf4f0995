// Activities that record the execution's transitions in PostgreSQL: what `zoe ls`, `zoe get` and
// the REST API read. Each write carries the workflow's event sequence number, so a retried
// activity records its event once.
import { Failure, zoeFailure } from '../model/failures.js';
import type pg from 'pg';
import { inTransaction } from '../db/pool.js';
import { type BackendStatus, type ExecutionStatus, hasEnded, type ServiceStatus } from '../model/statuses.js';
import type { PublishedPort } from '../backends/contract.js';

export interface StatusChange {
  executionId: number;
  seq: number;
  status: ExecutionStatus;
  message: string;
  errorMessage?: string | undefined;
  timeStart?: boolean;
  timeEnd?: boolean;
}

export interface ServiceChange {
  executionId: number;
  seq: number;
  serviceId: number;
  instance: string;
  status: ServiceStatus;
  backendStatus: BackendStatus;
  message: string;
  host?: string;
  backendId?: string;
  ip?: string;
  ports?: PublishedPort[];
  exitCode?: number;
  /** The instance died and will be placed again (`restart_count` + 1). */
  restarted?: boolean;
}

/**
 * The API commits the execution row only once Temporal has accepted the workflow, so the
 * workflow's first record may arrive before the row is committed. Rather than guess how long a
 * commit may take, ask PostgreSQL: an insert of the same id waits for the API's transaction to end,
 * then conflicts (the row was committed) or goes through (it was rolled back: the API died in
 * between, so no row will ever come). The probe itself is always rolled back. While the API's
 * transaction stays open the probe gives up after `lock_timeout` and the activity is retried.
 */
async function awaitExecutionRow(pool: pg.Pool, executionId: number): Promise<void> {
  const exists = async () => Boolean((await pool.query('SELECT 1 FROM execution WHERE id = $1', [executionId])).rowCount);
  if (await exists()) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL lock_timeout = '5s'");
    await client.query(
      `INSERT INTO execution (id, name, user_id, description, status, size, time_submit)
       SELECT $1, '', id, '{}', 'submitted', 0, now() FROM "user" ORDER BY id LIMIT 1
       ON CONFLICT (id) DO NOTHING`, [executionId]);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
  if (await exists()) return;
  throw zoeFailure(Failure.ExecutionRecordMissing, `execution ${executionId} has no record: its submission was not committed`);
}

export function createRecordActivities(pool: pg.Pool) {
  return {
    async recordStatus(change: StatusChange): Promise<void> {
      if (change.seq === 1) await awaitExecutionRow(pool, change.executionId);
      await inTransaction(pool, async (db) => {
        const event = await db.query(
          `INSERT INTO execution_event (execution_id, seq, time, status, message) VALUES ($1, $2, now(), $3, $4)
           ON CONFLICT (execution_id, seq) DO NOTHING RETURNING id`,
          [change.executionId, change.seq, change.status, change.message],
        );
        if (event.rowCount === 0) return; // already recorded by an earlier attempt
        await db.query(
          `UPDATE execution SET status = $2,
             time_start = CASE WHEN $3 THEN COALESCE(time_start, now()) ELSE time_start END,
             time_end = CASE WHEN $4 THEN COALESCE(time_end, now()) ELSE time_end END,
             error_message = COALESCE($5, error_message)
           WHERE id = $1`,
          [change.executionId, change.status, change.timeStart ?? false, change.timeEnd ?? false, change.errorMessage ?? null],
        );
      });
    },

    async recordService(change: ServiceChange): Promise<void> {
      await inTransaction(pool, async (db) => {
        const event = await db.query(
          `INSERT INTO execution_event (execution_id, seq, time, service_name, message) VALUES ($1, $2, now(), $3, $4)
           ON CONFLICT (execution_id, seq) DO NOTHING RETURNING id`,
          [change.executionId, change.seq, change.instance, change.message],
        );
        if (event.rowCount === 0) return;
        const ended = hasEnded(change.backendStatus);
        await db.query(
          `UPDATE service SET status = $2, backend_status = $3,
             backend_host = COALESCE($4, backend_host),
             backend_id = CASE WHEN $3 = 'destroyed' THEN NULL ELSE COALESCE($5, backend_id) END,
             ip_address = CASE WHEN $8 THEN NULL ELSE COALESCE($6, ip_address) END,
             exit_code = COALESCE($7, exit_code),
             error_message = CASE WHEN $3 IN ('dead', 'oom-killed') THEN $9 ELSE error_message END,
             restart_count = restart_count + CASE WHEN $10 THEN 1 ELSE 0 END
           WHERE id = $1`,
          [change.serviceId, change.status, change.backendStatus, change.host ?? null, change.backendId ?? null,
            change.ip ?? null, change.exitCode ?? null, ended, change.message, change.restarted ?? false],
        );
        if (ended) {
          await db.query('UPDATE port SET external_ip = NULL, external_port = NULL WHERE service_id = $1', [change.serviceId]);
        }
        for (const port of change.ports ?? []) {
          await db.query(
            'UPDATE port SET external_ip = $3, external_port = $4 WHERE service_id = $1 AND internal_name = $2',
            [change.serviceId, port.internalName, change.ip ?? port.hostIp, port.hostPort],
          );
        }
      });
    },
  };
}
