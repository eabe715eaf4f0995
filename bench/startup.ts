// `npm run bench`: orchestration overhead, measured side by side in one run (a benchmark, not a
// test). For each scenario: the median time from submitting an execution through the REST API to
// `running`, beside the median time for the container back-end alone (the same contract calls
// the activities make, with no Temporal, no database and no API) to prepare and start the same
// containers in the same startup groups, and the ratio. Whichever back-end is configured is measured.
import { randomBytes } from 'node:crypto';
import { executionInput, planInstances } from '../executions/plan.js';
import { expandInstances } from '../zapps/instances.js';
import type { ZApp } from '../zapps/schema.js';
import { startupGroups } from '../workflows/execution/program.js';
import { caller, sampleZApp, waitForStatus } from '../test/helpers/api.js';
import { startTestStack } from '../test/helpers/stack.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function service(name: string, order: number, command = 'sleep 3600'): Record<string, unknown> {
  return {
    name, image: 'zoe-local/busybox:1', monitor: order === 0, startup_order: order, essential_count: 1, total_count: 1,
    resources: { memory: { min: 16 * 1024 ** 2, max: 16 * 1024 ** 2 }, cores: { min: 0.1, max: 0.1 } },
    ports: [], environment: [], volumes: [], command,
  };
}
const zappOf = (name: string, services: Array<Record<string, unknown>>) => ({ name, version: 3, will_end: false, size: 1, services });

const scenarios: Array<{ title: string; zapp: Record<string, unknown>; parallel: number }> = [
  { title: '1 service (web)', zapp: sampleZApp('web'), parallel: 1 },
  { title: '3 services, 2 startup groups', zapp: zappOf('three', [service('svc-a', 0), service('svc-b', 1), service('svc-c', 1)]), parallel: 1 },
  { title: '5 services, 2 startup groups', zapp: zappOf('five', [0, 0, 1, 1, 1].map((order, i) => service(`svc-${i}`, order))), parallel: 1 },
  { title: '20 executions of 1 service, submitted together', zapp: zappOf('single', [service('solo', 0)]), parallel: 20 },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const stack = await startTestStack({ users: 'bench,bench-pass,admin\n' });
const bench = caller(stack.apiUrl, 'bench', 'bench-pass');
await stack.pool.query("UPDATE quota SET concurrent_executions = 0, memory = 0, cores = 0 WHERE name = 'default'");
const backend = stack.backend;
const host = (await backend.inventory())[0]!.name;
const rows: string[][] = [];

async function viaZoe(zapp: Record<string, unknown>, parallel: number): Promise<number> {
  const started = performance.now();
  const ids = await Promise.all(Array.from({ length: parallel }, async (_, i) => {
    const reply = await bench('POST', '/execution', { name: `bench-${i}`, application: zapp });
    if (reply.status !== 201) throw new Error(`submit failed: ${JSON.stringify(reply.body)}`);
    return (reply.body as { execution_id: number }).execution_id;
  }));
  await Promise.all(ids.map((id) => waitForStatus(bench, id, (s) => s === 'running', 120_000, 20)));
  const elapsed = performance.now() - started;
  await Promise.all(ids.map((id) => bench('DELETE', `/execution/${id}`)));
  await Promise.all(ids.map((id) => waitForStatus(bench, id, (s) => s === 'terminated', 120_000)));
  return elapsed;
}

async function viaBackend(zapp: Record<string, unknown>, parallel: number): Promise<number> {
  const specs = expandInstances(zapp as unknown as ZApp);
  const tag = randomBytes(3).toString('hex');
  const started = performance.now();
  const deployment = `raw${tag}`;
  const executionIds = Array.from({ length: parallel }, (_, p) => 900_000 + p);
  await Promise.all(executionIds.map(async (executionId) => {
    const ctx = { executionId, executionName: 'raw', deployment, owner: { id: 1, username: 'bench', fsUid: 1000 },
      fsGroupId: 5001, workspaceBase: stack.config.workspaceBase, runtimeLimitHours: 0, submittedAt: 0 };
    const plans = planInstances(zapp as unknown as ZApp, new Map(specs.map((s, i) => [s.instance, i + 1])), ctx);
    executionInput(zapp as unknown as ZApp, plans, ctx);
    await backend.prepareExecution({ deployment, executionId, host });
    for (const group of startupGroups(plans)) {
      await Promise.all(group.map((instance) =>
        backend.startInstance({ deployment, executionId, executionName: 'raw', owner: 'bench', host, instance })));
    }
  }));
  const elapsed = performance.now() - started;
  await Promise.all(executionIds.map((executionId) => backend.removeExecution({ deployment, executionId })));
  return elapsed;
}

try {
  await viaZoe(scenarios[0]!.zapp, 1); // warm-up: first workflow task, image cache
  for (const scenario of scenarios) {
    const zoe: number[] = [];
    const raw: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Alternate the order so neither side always runs on a warmer engine.
      if (run % 2 === 0) {
        zoe.push(await viaZoe(scenario.zapp, scenario.parallel));
        raw.push(await viaBackend(scenario.zapp, scenario.parallel));
      } else {
        raw.push(await viaBackend(scenario.zapp, scenario.parallel));
        zoe.push(await viaZoe(scenario.zapp, scenario.parallel));
      }
    }
    const [z, r] = [median(zoe), median(raw)];
    rows.push([scenario.title, `${z.toFixed(0)} ms`, `${r.toFixed(0)} ms`, `${(z / r).toFixed(2)}×`]);
    console.error(`done: ${scenario.title}`);
  }
} finally {
  await stack.stop();
}

const headers = ['scenario', `Zoe submit→running (median of ${RUNS})`, 'back-end alone', 'ratio'];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log([headers, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n'));
