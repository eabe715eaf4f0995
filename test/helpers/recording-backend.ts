// BENCHMARK-AND-TEST-ONLY back-end. It implements the `Activities` interface without any
// container engine, so the real workflows can be driven through the real Temporal server at
// volumes no Docker host could take: it is used by test/scheduler-volume.test.ts and
// bench/admission.ts and by nothing in the product (the worker wires activities/index.ts).
//
// - The record activities are the real ones (activities/records.ts) over the test's schema.
// - `inventoryHosts` answers N simulated hosts.
// - Container activities keep a ledger in PostgreSQL instead of starting anything: one row per
//   live simulated container (`recording_container`, keyed like the real container name by
//   execution and instance, so a retried start finds it) and one row per start attempt
//   (`recording_start`), which also notes what the host held, this start included. Kept in
//   PostgreSQL rather than in memory so that a worker killed with SIGKILL loses nothing.
// - `waitForExit` reports the first essential instance as exited `exitAfterMs` after it started,
//   so executions end by themselves and release their reservations.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type pg from 'pg';
import type { Activities } from '../../activities/index.js';
import { createRecordActivities } from '../../activities/records.js';
import type { ExitReport, StartedInstance } from '../../backends/contract.js';
import { describeExit } from '../../backends/exits.js';
import { inTransaction } from '../../db/pool.js';
import type { HostCapacity } from '../../scheduler/types.js';

const GiB = 1024 ** 3;

/** `count` identical online hosts `sim-00`, `sim-01`, … (default: 25 × 32 cores × 128 GiB). */
export function simulatedHosts(count = 25, cores = 32, memoryGiB = 128): HostCapacity[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `sim-${String(i).padStart(2, '0')}`, memory: memoryGiB * GiB, cores, labels: [], online: true,
  }));
}

/** Creates the ledger tables in the pool's schema (the deployment's, after `migrate`). */
export async function prepareRecording(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS recording_container (
      execution_id INT NOT NULL, instance TEXT NOT NULL, host TEXT NOT NULL,
      essential BOOLEAN NOT NULL, memory BIGINT NOT NULL, cores NUMERIC NOT NULL, started_ms BIGINT NOT NULL,
      PRIMARY KEY (execution_id, instance));
    CREATE TABLE IF NOT EXISTS recording_start (
      id BIGSERIAL PRIMARY KEY,
      execution_id INT NOT NULL, instance TEXT NOT NULL, host TEXT NOT NULL, essential BOOLEAN NOT NULL,
      memory BIGINT NOT NULL, cores NUMERIC NOT NULL,
      activity_id TEXT NOT NULL, attempt INT NOT NULL,
      -- true when this attempt created the container, false when an earlier attempt had.
      created BOOLEAN NOT NULL,
      -- What the host held once this start was recorded (every live container on it, this one included).
      host_memory BIGINT NOT NULL, host_cores NUMERIC NOT NULL,
      host_essential_memory BIGINT NOT NULL, host_essential_cores NUMERIC NOT NULL,
      -- The elastic containers live on the host then, as 'execution/instance'.
      host_elastic TEXT[] NOT NULL,
      recorded_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());`);
}

export interface RecordingOptions {
  /** A pool working in the test deployment's schema, with `prepareRecording` done. */
  pool: pg.Pool;
  hosts: HostCapacity[];
  /** How long after it started an execution's essential instance exits (code 0). */
  exitAfterMs: (executionId: number) => number;
}

export function createRecordingActivities(options: RecordingOptions): Activities {
  const { pool, hosts } = options;
  const hostNames = new Set(hosts.map((h) => h.name));
  const known = (host: string): void => {
    if (!hostNames.has(host)) throw ApplicationFailure.nonRetryable(`unknown host ${host}`, 'UnknownHost');
  };

  return {
    ...createRecordActivities(pool),

    inventoryHosts: () => Promise.resolve(hosts.map((h) => ({ ...h, labels: [...h.labels] }))),

    prepareExecution: (input) => Promise.resolve(known(input.host)),

    waitForReadiness: (input) => Promise.resolve(known(input.host)),

    async startContainer(input): Promise<StartedInstance> {
      known(input.host);
      const { executionId, instance: plan, host } = input;
      const { activityId, attempt } = Context.current().info;
      await inTransaction(pool, async (db) => {
        // Starts on one host are serialised, so each one sees exactly what the host held.
        await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`recording-host:${host}`]);
        const inserted = await db.query(
          `INSERT INTO recording_container (execution_id, instance, host, essential, memory, cores, started_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (execution_id, instance) DO NOTHING`,
          [executionId, plan.instance, host, plan.essential, plan.memory, plan.cores, Date.now()]);
        await db.query(
          `INSERT INTO recording_start (execution_id, instance, host, essential, memory, cores, activity_id, attempt, created,
             host_memory, host_cores, host_essential_memory, host_essential_cores, host_elastic)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,
             COALESCE(SUM(memory), 0), COALESCE(SUM(cores), 0),
             COALESCE(SUM(memory) FILTER (WHERE essential), 0), COALESCE(SUM(cores) FILTER (WHERE essential), 0),
             COALESCE(array_agg(execution_id || '/' || instance ORDER BY execution_id, instance) FILTER (WHERE NOT essential), '{}')
           FROM recording_container WHERE host = $3`,
          [executionId, plan.instance, host, plan.essential, plan.memory, plan.cores, activityId, attempt, inserted.rowCount === 1]);
      });
      return {
        backendId: `recorded-${executionId}-${plan.instance}`,
        externalAddress: host,
        ports: plan.container.ports.map((p) => ({ internalName: p.internalName, hostIp: host, hostPort: p.port })),
      };
    },

    async removeContainer(input): Promise<void> {
      await pool.query('DELETE FROM recording_container WHERE execution_id = $1 AND instance = $2', [input.executionId, input.instance]);
    },

    async removeExecutionContainers(input): Promise<string[]> {
      const removed = await pool.query<{ instance: string }>(
        'DELETE FROM recording_container WHERE execution_id = $1 RETURNING instance', [input.executionId]);
      return removed.rows.map((r) => r.instance).sort();
    },

    async waitForExit(input): Promise<ExitReport | null> {
      const context = Context.current();
      context.heartbeat();
      const watched = await pool.query<{ instance: string; started_ms: string }>(
        `SELECT instance, started_ms FROM recording_container
         WHERE execution_id = $1 AND instance = ANY($2) AND essential ORDER BY started_ms, instance LIMIT 1`,
        [input.executionId, input.instances.map((i) => i.instance)]);
      const first = watched.rows[0];
      const exitAt = first ? Number(first.started_ms) + options.exitAfterMs(input.executionId) : Infinity;
      const until = Math.min(exitAt, Date.now() + input.maxWaitMs);
      // Sleeps in short steps with a heartbeat each, so a cancelled watch learns it promptly.
      for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
        await context.sleep(Math.min(left, 1_000));
        context.heartbeat();
      }
      return first && Date.now() >= exitAt ? describeExit(first.instance, 0, false) : null;
    },
  };
}
