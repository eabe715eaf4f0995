// The scheduler's picture for `GET /statistics/scheduler`, in the original Zoe's shape (spec §3.3),
// plus `waiting`: each queued execution's position and the plain reason it waits.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { summarize, toZoeStatistics, type ZoeSchedulerStatistics } from '../scheduler/stats.js';
import { schedulerWorkflowId } from '../model/naming.js';
import { snapshotQuery, type SchedulerSnapshot, type WaitingExecution } from '../workflows/messages.js';
import type { ExecutionStatus } from '../model/statuses.js';

export type SchedulerStatistics = ZoeSchedulerStatistics & { waiting: WaitingExecution[] };

export async function schedulerSnapshot(temporal: Client, deployment: string): Promise<SchedulerSnapshot> {
  return temporal.workflow.getHandle(schedulerWorkflowId(deployment)).query(snapshotQuery);
}

export async function schedulerStatistics(temporal: Client, pool: pg.Pool, deployment: string): Promise<SchedulerStatistics> {
  const snapshot = await schedulerSnapshot(temporal, deployment);
  const executionIds = [...new Set(snapshot.placements.map((p) => p.executionId))];
  const [services, terminating] = await Promise.all([
    pool.query<{ id: number; execution_id: number; name: string }>(
      'SELECT id, execution_id, name FROM service WHERE execution_id = ANY($1)', [executionIds]),
    pool.query<{ id: number }>('SELECT id FROM execution WHERE status = $1 ORDER BY id', ['cleaning up' satisfies ExecutionStatus]),
  ]);
  const summary = summarize(
    snapshot.hosts,
    snapshot.placements,
    snapshot.queue.map((q) => ({ executionId: q.executionId, submittedAt: q.submittedAt, size: q.size, instances: [] })),
    snapshot.waiting,
  );
  const statistics = toZoeStatistics(summary, {
    terminating: terminating.rows.map((r) => r.id),
    serviceIds: Object.fromEntries(services.rows.map((s) => [`${s.execution_id}/${s.name}`, s.id])),
  });
  return { ...statistics, waiting: snapshot.waiting };
}
