// Benchmark (prints figures; not a test): admission throughput through the real Temporal server.
// 2,000 executions are started at once, directly with the Temporal client, onto 25 simulated hosts
// × 32 cores × 128 GiB served by the BENCHMARK-AND-TEST-ONLY recording back-end (no containers),
// with the real execution and scheduler workflows, the real record activities and PostgreSQL.
// Small requests, so that every execution fits at once: what is measured is the scheduler, not the
// pool. Prints admissions per second end to end (first start to last admission delivered) and the
// median and p95 time from an execution's start to its `admitted` signal reaching it (read from
// the scheduler's own histories).
// Run: node --import tsx bench/admission.ts [executions] [activity slots]
import { schedulerWorkflowId } from '../model/naming.js';
import { snapshotQuery } from '../workflows/messages.js';
import { readSchedulerHistory, type Started, startExecution, startRecordingStack, workloadZApp } from '../test/helpers/recording-workload.js';

const EXECUTIONS = Number(process.argv[2] ?? 2_000);
/** Activity slots of the worker: absent, the product's default (watches have their own queue). */
const SLOTS = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const START_CONCURRENCY = 64;
const HOSTS = { count: 25, cores: 32, memoryGiB: 128 };
/** Executions stay running through the measurement: nothing is released, every admission is a fresh one. */
const RUNNING_MS = 30 * 60_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const stack = await startRecordingStack({ hosts: HOSTS, exitAfterMs: { min: RUNNING_MS, max: RUNNING_MS }, ...(SLOTS === undefined ? {} : { maxConcurrentActivityTaskExecutions: SLOTS }) });
try {
  const scheduler = stack.client.workflow.getHandle(schedulerWorkflowId(stack.config.deployment));
  while ((await scheduler.query(snapshotQuery)).hosts.length === 0) await new Promise((r) => setTimeout(r, 100));
  const unit = { cores: 0.1, memoryGiB: 0.25 };
  console.log(`admission throughput: ${EXECUTIONS} executions started at once onto ${HOSTS.count} simulated hosts × ${HOSTS.cores} cores × ${HOSTS.memoryGiB} GiB`);
  console.log(`(recording back-end, FIFO + spread, one worker process, ${SLOTS ?? 'default'} activity slots, node ${process.version})\n`);

  // Rows and inputs as the API makes them; workflows started by START_CONCURRENCY callers at once.
  const started: Started[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: START_CONCURRENCY }, async () => {
    for (let i = next++; i < EXECUTIONS; i = next++) started.push(await startExecution(stack, workloadZApp(i, unit), `bench-${i}`));
  }));
  const lastStart = Math.max(...started.map((s) => s.startedAt));

  // Admitted executions record `starting` next: once every one has, every admission was delivered.
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const result = await stack.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM execution WHERE status NOT IN ('submitted', 'queued')");
    const admitted = result.rows[0]!.n;
    if (admitted >= EXECUTIONS) break;
    if (Date.now() > deadline) throw new Error(`only ${admitted} of ${EXECUTIONS} admitted after 15 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }

  const { runs, admissions, submits } = await readSchedulerHistory(stack.client, stack.config.deployment);
  const latencies: number[] = [];
  const toScheduler: number[] = []; // start → the scheduler has the submit (the execution workflow's own first steps)
  const inScheduler: number[] = []; // submit received → admission sent (queueing and deciding in the scheduler)
  let lastAdmission = 0;
  for (const s of started) {
    const [admission, ...again] = admissions.get(s.workflowId) ?? [];
    if (!admission?.deliveredAt || again.length > 0) throw new Error(`${s.workflowId}: ${again.length + (admission ? 1 : 0)} admissions`);
    latencies.push(admission.deliveredAt - s.startedAt);
    const received = submits.get(s.workflowId);
    if (received === undefined) throw new Error(`${s.workflowId}: its submit is not in the scheduler's history`);
    toScheduler.push(received - s.startedAt);
    inScheduler.push(admission.sentAt - received);
    lastAdmission = Math.max(lastAdmission, admission.deliveredAt);
  }
  for (const list of [latencies, toScheduler, inScheduler]) list.sort((a, b) => a - b);
  const firstStart = Math.min(...started.map((s) => s.startedAt));
  const span = lastAdmission - firstStart;

  const rows: Array<[string, string]> = [
    ['executions admitted', String(latencies.length)],
    ['starting them all (client)', seconds(lastStart - firstStart)],
    ['first start to last admission', seconds(span)],
    ['admissions per second, end to end', (EXECUTIONS / (span / 1000)).toFixed(1)],
    ['start to admitted, median', seconds(percentile(latencies, 50))],
    ['start to admitted, p95', seconds(percentile(latencies, 95))],
    ['start to admitted, max', seconds(latencies.at(-1)!)],
    ['  of which start to submit received, median / p95', `${seconds(percentile(toScheduler, 50))} / ${seconds(percentile(toScheduler, 95))}`],
    ['  of which submit received to admission sent, median / p95', `${seconds(percentile(inScheduler, 50))} / ${seconds(percentile(inScheduler, 95))}`],
    ['scheduler runs (continue-as-new)', `${runs.length} (${runs.length - 1})`],
    ['longest scheduler run', `${Math.max(...runs.map((r) => r.events))} history events`],
    ['largest carried state', `${Math.round(Math.max(...runs.map((r) => r.inputBytes)) / 1024)} KiB`],
    ['for scale: Kueue\'s own benchmark', '~42 workloads/s'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
} finally {
  await stack.stop();
}
