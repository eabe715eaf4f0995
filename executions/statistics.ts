// The scheduler's picture for `GET /statistics/scheduler`, in the original Zoe's shape (spec §3.3),
// plus `waiting`: each queued execution's position and the plain reason it waits. Anyone logged in
// may read it, as in the original API.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { summarize, toZoeStatistics, type ZoeSchedulerStatistics } from '../scheduler/stats.js';
import { Unavailable } from '../model/errors.js';
import { schedulerWorkflowId } from '../model/naming.js';
import type { AuthenticatedUser } from '../users/repository.js';
import { snapshotQuery, type SchedulerSnapshot, type WaitingExecution } from '../workflows/messages.js';
import type { ExecutionStatus } from '../model/statuses.js';
import type { ExecutionDeps } from './deps.js';

export type SchedulerStatistics = ZoeSchedulerStatistics & { waiting: WaitingExecution[] };

export async function schedulerSnapshot(temporal: Client, deployment: string): Promise<SchedulerSnapshot> {
  return temporal.workflow.getHandle(schedulerWorkflowId(deployment)).query(snapshotQuery);
}

/** `_account`: any login may read the statistics; taken so every command has the same shape. */
export async function schedulerStatistics(deps: ExecutionDeps, _account: AuthenticatedUser): Promise<SchedulerStatistics> {
  let snapshot: SchedulerSnapshot;
  try {
    snapshot = await schedulerSnapshot(deps.temporal, deps.config.deployment);
  } catch (error) {
    throw new Unavailable(`the scheduler did not answer (${(error as Error).message})`);
  }
  return statisticsOf(deps.pool, snapshot);
}

async function statisticsOf(pool: pg.Pool, snapshot: SchedulerSnapshot): Promise<SchedulerStatistics> {
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
