// Activities that record the execution's transitions in PostgreSQL: what `zoe ls`, `zoe get` and
// the REST API read. Each write carries the workflow's event sequence number, so a retried
// activity records its event once.
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import { inTransaction } from '../db/pool.js';
import type { ExecutionStatus } from '../workflows/types.js';
import type { PublishedPort } from '../backends/docker/containers.js';

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
  status: 'starting' | 'active' | 'inactive' | 'error';
  backendStatus: 'undefined' | 'created' | 'started' | 'dead' | 'destroyed' | 'oom-killed';
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
 * workflow's first record may arrive a few milliseconds before the row exists: wait for it. A row
 * that never appears belongs to a submission that was rolled back (the API died in between).
 */
async function awaitExecutionRow(pool: pg.Pool, executionId: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await pool.query('SELECT 1 FROM execution WHERE id = $1', [executionId]);
    if (found.rowCount) return;
    if (Date.now() > deadline) {
      throw ApplicationFailure.create({
        type: 'ExecutionRecordMissing', nonRetryable: true,
        message: `execution ${executionId} has no record: its submission was not committed`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
        const ended = change.backendStatus === 'dead' || change.backendStatus === 'oom-killed' || change.backendStatus === 'destroyed';
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
