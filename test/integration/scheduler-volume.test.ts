// Durability at volume, against the real Temporal dev server and PostgreSQL: thousands of
// executions of the real workflows on 25 simulated hosts (the recording back-end, which starts no
// container), enough for the scheduler to continue as new several times, and the worker killed
// with SIGKILL in the middle and replaced. Nothing may be lost or done twice: every execution ends
// `terminated` after exactly one admission, its essential instances where that admission put
// them, no host ever holds more than its capacity, and the scheduler ends with nothing left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Started } from '../helpers/recording-workload.js';
import { readSchedulerHistory, type RecordingStack, startExecution, startRecordingStack, workloadZApp } from '../helpers/recording-workload.js';
import { simulatedHosts } from '../helpers/recording-backend.js';
import { schedulerWorkflowId } from '../../model/naming.js';
import { snapshotQuery } from '../../workflows/messages.js';
import type { ExecutionOutcome } from '../../model/execution.js';

/**
 * Thousands of executions, and a history limit low enough for about ten continue-as-new on the way
 * (the product's limit is 4,000 events; the rule is the same). About 9 minutes on 2 shared cores.
 */
const EXECUTIONS = 2_000;
const HISTORY_LIMIT = 800;
/**
 * 25 small hosts, so that the pool fills: executions wait for capacity as well as for the
 * scheduler, elastic instances fill what is left and give it back when essentials need it.
 */
const HOSTS = { count: 25, cores: 8, memoryGiB: 32 };
/** Requests in units of 2 cores and 8 GiB: batch jobs of 1, 2 or 4 units, clusters of 2 essential units and 2 elastic. */
const UNIT = { cores: 2, memoryGiB: 8 };
/** The worker is killed once this share of the executions has ended. */
const KILL_AT = 0.4;
const FINISH_WITHIN_MS = 20 * 60_000;
const MIN_CONTINUED_AS_NEW = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items` with at most `concurrency` calls in flight. */
async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  }));
}

void describe('the scheduler at volume, through the real Temporal server', () => {
  let stack: RecordingStack;
  const started: Started[] = [];
  const essentials = new Map<number, string[]>(); // execution id -> its essential instances
  let endedAtKill = 0;

  async function endedCount(): Promise<number> {
    const result = await stack.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM execution WHERE status IN ('terminated', 'error')");
    return result.rows[0]!.n;
  }

  before(async () => {
    stack = await startRecordingStack({ hosts: HOSTS, exitAfterMs: { min: 500, max: 3_000 } }, { historyLimit: HISTORY_LIMIT });
    const zapps = Array.from({ length: EXECUTIONS }, (_, i) => workloadZApp(i, UNIT));
    await eachLimited(zapps.map((zapp, i) => ({ zapp, i })), 32, async ({ zapp, i }) => {
      const execution = await startExecution(stack, zapp, `volume-${i}`);
      started.push(execution);
      essentials.set(execution.executionId, zapp.services.flatMap((s) => Array.from({ length: s.essential_count }, (_, n) => `${s.name}${n}`)));
    });

    const since = Date.now();
    const deadline = since + FINISH_WITHIN_MS;
    const progress: string[] = [];
    let killed = false;
    for (let ended = await endedCount(); ended < EXECUTIONS; ended = await endedCount()) {
      const seconds = Math.round((Date.now() - since) / 1000);
      if (progress.length === 0 || seconds >= 10 * progress.length) progress.push(`${seconds} s: ${ended} ended`);
      if (!killed && ended >= EXECUTIONS * KILL_AT) {
        endedAtKill = ended;
        progress.push(`${seconds} s: worker killed`);
        await stack.replaceWorker();
        killed = true;
      }
      if (Date.now() > deadline) {
        const stuck = await stack.pool.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM execution GROUP BY status ORDER BY status');
        assert.fail(`${EXECUTIONS - ended} executions had not ended after ${FINISH_WITHIN_MS / 1000} s: ${JSON.stringify(stuck.rows)}\n` +
          `progress: ${progress.join('; ')}\n` +
          `worker output (tail):\n${stack.worker().output().slice(-3_000)}`);
      }
      await sleep(500);
    }
    assert.ok(killed, 'the worker was killed in the middle');
  });
  after(() => stack?.stop());

  void it('ends every execution terminated, its records in order, after the worker was killed in the middle', async () => {
    assert.equal(started.length, EXECUTIONS);
    assert.ok(endedAtKill > 0 && endedAtKill < EXECUTIONS, `the kill came with ${endedAtKill} of ${EXECUTIONS} ended`);
    const outcomes = new Map<string, ExecutionOutcome>();
    await eachLimited(started, 32, async ({ workflowId }) => {
      outcomes.set(workflowId, await stack.client.workflow.getHandle(workflowId).result() as ExecutionOutcome);
    });
    const other = [...outcomes].filter(([, o]) => o.status !== 'terminated' || !/^essential service \w+ exited with code 0$/.test(o.reason));
    assert.deepEqual(other.slice(0, 5), [], `${other.length} executions ended otherwise`);

    const histories = await stack.pool.query<{ statuses: string[]; n: number }>(
      `SELECT statuses, count(*)::int AS n FROM (
         SELECT array_agg(status ORDER BY seq) AS statuses FROM execution_event WHERE status IS NOT NULL GROUP BY execution_id) h
       GROUP BY statuses`);
    assert.deepEqual(histories.rows, [{ statuses: ['queued', 'starting', 'running', 'cleaning up', 'terminated'], n: EXECUTIONS }]);
  });

  void it('admits every execution exactly once, and starts its essential instances where the admission put them', async () => {
    const { admissions } = await readSchedulerHistory(stack.client, stack.config.deployment);
    const starts = await stack.pool.query<{ execution_id: number; instance: string; hosts: string[]; created: number }>(
      `SELECT execution_id, instance, array_agg(DISTINCT host) AS hosts, count(*) FILTER (WHERE created)::int AS created
       FROM recording_start WHERE essential GROUP BY execution_id, instance`);
    const startedOn = new Map(starts.rows.map((r) => [`${r.execution_id}/${r.instance}`, r]));
    const problems: string[] = [];
    for (const { executionId, workflowId } of started) {
      const sent = admissions.get(workflowId) ?? [];
      if (sent.length !== 1 || sent[0]!.deliveredAt === undefined) {
        problems.push(`${workflowId}: ${sent.length} admissions (${sent.filter((a) => a.deliveredAt !== undefined).length} delivered)`);
        continue;
      }
      const placements = sent[0]!.placements;
      const instances = essentials.get(executionId)!;
      if (placements.map((p) => p.instance).sort().join() !== [...instances].sort().join()) {
        problems.push(`${workflowId}: admitted with ${placements.map((p) => p.instance).join()} instead of ${instances.join()}`);
      }
      for (const p of placements) {
        const start = startedOn.get(`${executionId}/${p.instance}`);
        if (start?.hosts.length !== 1 || start.hosts[0] !== p.host || start.created !== 1) {
          problems.push(`${workflowId}/${p.instance}: admitted on ${p.host}, started on ${JSON.stringify(start?.hosts ?? [])} (created ${start?.created ?? 0} times)`);
        }
      }
    }
    assert.equal(admissions.size, EXECUTIONS, 'admissions went to these executions only');
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} problems`);
  });

  void it('never reserved more than a host holds, at any start', async () => {
    const capacity = simulatedHosts(HOSTS.count, HOSTS.cores, HOSTS.memoryGiB)[0]!;
    const hosts = await stack.pool.query<{ host: string }>('SELECT DISTINCT host FROM recording_start');
    assert.equal(hosts.rows.length, HOSTS.count, 'every host received work');
    const over = await stack.pool.query<{ host: string; started: string; at: Date; cores: string; gib: string; essential_cores: string; essential_gib: string; elastic: string[] }>(
      `SELECT host, execution_id || '/' || instance AS started, recorded_at AS at, host_cores::text AS cores, (host_memory / 1024.0 ^ 3)::text AS gib,
              host_essential_cores::text AS essential_cores, (host_essential_memory / 1024.0 ^ 3)::text AS essential_gib, host_elastic AS elastic
       FROM recording_start WHERE host_cores > $1 OR host_memory > $2 ORDER BY id`, [capacity.cores, capacity.memory]);
    // Elastic instances still live there are marked with how long before the scheduler had told them to go.
    const { shrinks } = over.rows.length > 0 ? await readSchedulerHistory(stack.client, stack.config.deployment) : { shrinks: new Map<string, number[]>() };
    // and whether it was running then at all (a shrink must not be lost on an instance not started yet).
    const elasticStarts = await stack.pool.query<{ key: string; at: Date }>(
      "SELECT execution_id || '/' || instance AS key, recorded_at AS at FROM recording_start WHERE NOT essential AND created");
    const startsOf = new Map<string, number[]>();
    for (const r of elasticStarts.rows) startsOf.set(r.key, [...(startsOf.get(r.key) ?? []), r.at.getTime()]);
    const shrunk = (instance: string, at: Date) => {
      const told = (shrinks.get(instance) ?? []).filter((t) => t <= at.getTime()).at(-1);
      if (told === undefined) return instance;
      const running = (startsOf.get(instance) ?? []).some((t) => t <= told);
      return `${instance} (told to shrink ${at.getTime() - told} ms before${running ? '' : ', before it had started'})`;
    };
    const described = over.rows.map((r) => `${r.host} when ${r.started} started: ${r.cores} cores, ${r.gib} GiB reserved ` +
      `(essential: ${r.essential_cores} cores, ${r.essential_gib} GiB; elastic live: ${r.elastic.map((e) => shrunk(e, r.at)).join(', ') || 'none'})`);
    assert.deepEqual(described.slice(0, 5), [], `${over.rows.length} starts found their host over-committed ` +
      `(capacity ${capacity.cores} cores, ${capacity.memory / 1024 ** 3} GiB)`);
    const leftovers = await stack.pool.query('SELECT execution_id, instance, host FROM recording_container LIMIT 5');
    assert.deepEqual(leftovers.rows, [], 'no simulated container is left');
  });

  void it('continued as new several times, each run but the last closed as ContinuedAsNew', async (t) => {
    const { runs } = await readSchedulerHistory(stack.client, stack.config.deployment);
    t.diagnostic(`scheduler runs: ${runs.map((r) => `${r.events} events (${Math.round(r.inputBytes / 1024)} KiB carried in)`).join(', ')}`);
    assert.ok(runs.length - 1 >= MIN_CONTINUED_AS_NEW, `${runs.length - 1} continue-as-new, expected at least ${MIN_CONTINUED_AS_NEW}`);
    assert.deepEqual(runs.slice(0, -1).map((r) => r.status).filter((s) => s !== 'CONTINUED_AS_NEW'), []);
    assert.equal(runs.at(-1)!.status, 'RUNNING');
  });

  void it('ends with an empty queue and no placement left in the scheduler', async () => {
    const scheduler = stack.client.workflow.getHandle(schedulerWorkflowId(stack.config.deployment));
    const deadline = Date.now() + 15_000;
    let snapshot = await scheduler.query(snapshotQuery);
    // The last releases may still be on their way into the scheduler's state.
    while ((snapshot.queue.length > 0 || snapshot.placements.length > 0) && Date.now() < deadline) {
      await sleep(250);
      snapshot = await scheduler.query(snapshotQuery);
    }
    assert.deepEqual(snapshot.queue, []);
    assert.deepEqual(snapshot.placements, []);
  });
});
