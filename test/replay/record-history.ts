// `npm run record-history -- [--out DIR] [--force] [SCENARIO…]`: runs real executions through the real stack
// (Temporal dev server, PostgreSQL, Docker) and saves their workflow histories, for the replay
// test. Each scenario drives one ending of the execution workflow; the scheduler's history is saved
// after them. With no scenario named, every one runs.
//
// Before a change to workflow code, record with the CURRENT code, into a folder of its own:
// `--out test/histories/<your change>` (default test/histories/ itself). A history recorded before
// the change is what proves the change keeps running executions alive: change the code until
// `node --import tsx --test test/replay/replay.test.ts` replays it, and every one kept before. A kept
// history is never replaced unless `--force` says so (workflows/README.md).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { projectRoot } from '../../config/config.js';
import { inTransaction } from '../../db/pool.js';
import { executionInput, planInstances } from '../../executions/plan.js';
import { insertExecution, insertServices } from '../../executions/repository.js';
import { executionWorkflowId, schedulerWorkflowId, taskQueue } from '../../model/naming.js';
import { findUser } from '../../users/repository.js';
import { ZoeDeployment, ZoeOwner, ZoeState, ZoeZApp } from '../../workflows/search-attributes.js';
import { expandInstances } from '../../zapps/instances.js';
import { validateZApp } from '../../zapps/validate.js';
import { caller, type Caller, sampleZApp, waitForStatus } from '../helpers/api.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { labelledJob, startTwoHosts } from '../helpers/two-hosts.js';

const MiB = 1024 ** 2;
const FINAL = (s: string) => s === 'terminated' || s === 'error';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function service(name: string, order: number, command: string, extra: Record<string, unknown> = {}) {
  return {
    name, image: 'zoe-local/busybox:1', monitor: order === 0, startup_order: order, essential_count: 1, total_count: 1,
    resources: { memory: { min: 16 * MiB, max: 16 * MiB }, cores: { min: 0.1, max: 0.1 } },
    ports: [], environment: [], volumes: [], command, ...extra,
  };
}
const zapp = (name: string, services: unknown[]) => ({ name, version: 3, will_end: false, size: 1, services });
const memory = (bytes: number) => ({ memory: { min: bytes, max: bytes }, cores: { min: 0.1, max: 0.1 } });

interface Context {
  stack: TestStack;
  alice: Caller;
  hostMemory: number;
  start: (name: string, application: unknown) => Promise<number>;
  /** Kills the execution and waits for its end. */
  kill: (id: number) => Promise<void>;
}

/** A scenario returns the executions to save, by file name (without `.json`). */
type Scenario = (ctx: Context) => Promise<Record<string, number>>;

/** The files each scenario writes (the scheduler's history is written by any run on one host). */
const FILES: Record<string, string[]> = {
  killed: ['execution-killed'],
  batch: ['execution-batch'],
  'elastic-restart': ['execution-elastic-restart'],
  'runtime-limit': ['execution-runtime-limit'],
  'failed-start': ['execution-failed-start'],
  'kill-starting': ['execution-kill-starting'],
  'queued-admitted': ['execution-queued-admitted', 'execution-kill-queued'],
  shrunk: ['execution-shrunk'],
  'host-lost': ['execution-host-lost'],
};

const scenarios: Record<string, Scenario> = {
  /** A cluster killed while running, its elastic workers started. */
  async killed({ alice, start, kill }) {
    const id = await start('recorded-kill', sampleZApp('cluster'));
    await waitForStatus(alice, id, (s) => s === 'running');
    await pause(3_000); // let the elastic workers start
    await kill(id);
    return { 'execution-killed': id };
  },

  /** A batch job whose essential service exits by itself. */
  async batch({ alice, start }) {
    const id = await start('recorded-batch', sampleZApp('batch'));
    await waitForStatus(alice, id, (s) => s === 'terminated');
    return { 'execution-batch': id };
  },

  /** An elastic instance that exits twice and is placed and started again each time; then a kill. */
  async 'elastic-restart'({ stack, alice, start, kill }) {
    const command = "sh -c 'if [ \"$SERVICE_NAME\" = worker1 ]; then sleep 1; exit 5; fi; sleep 3600'";
    const id = await start('recorded-elastic', zapp('flaky', [{ ...service('worker', 0, command), total_count: 2 }]));
    await waitForStatus(alice, id, (s) => s === 'running');
    const deadline = Date.now() + 30_000;
    let restarts = 0;
    while (restarts < 2 && Date.now() < deadline) {
      restarts = (await stack.pool.query<{ restart_count: number }>(
        "SELECT restart_count FROM service WHERE execution_id = $1 AND name = 'worker1'", [id])).rows[0]!.restart_count;
      await pause(250);
    }
    assert.ok(restarts >= 2, `worker1 was not placed again (restart_count ${restarts})`);
    await kill(id);
    return { 'execution-elastic-restart': id };
  },

  /** The runtime limit ends a running execution (a limit of 3 s: the API counts in whole hours). */
  async 'runtime-limit'({ stack, alice }) {
    const id = await startDirectly(stack, zapp('limited', [service('job', 0, 'sleep 3600')]), 3_000);
    const ended = await waitForStatus(alice, id, FINAL, 60_000);
    assert.equal(ended.error_message, 'Run time quota exceeded');
    return { 'execution-runtime-limit': id };
  },

  /** A start that fails: the image is not on the host. */
  async 'failed-start'({ alice, start }) {
    const id = await start('recorded-no-image', zapp('no-image', [service('job', 0, 'sleep 3600', { image: 'zoe-local/missing:1' })]));
    const ended = await waitForStatus(alice, id, FINAL, 60_000);
    assert.equal(ended.status, 'error', `${ended.status}: ${ended.error_message}`);
    return { 'execution-failed-start': id };
  },

  /** A kill while the first startup group waits for its port: the second group never starts. */
  async 'kill-starting'({ alice, start, kill }) {
    const port = { name: 'slow port', port_number: 9000, protocol: 'tcp', url_template: 'tcp://{ip_port}' };
    const id = await start('recorded-kill-starting', zapp('slow-start', [
      service('store', 0, "sh -c 'sleep 5; exec httpd -f -p 9000 -h /var/www'", { ports: [port] }),
      service('front', 1, 'sleep 3600'),
    ]));
    await waitForStatus(alice, id, (s) => s === 'starting' || s === 'running' || FINAL(s), 60_000, 20);
    await kill(id);
    return { 'execution-kill-starting': id };
  },

  /**
   * Capacity: one execution holds 60% of the host; a second waits in the queue and a third is
   * killed there; the first is killed and the second is admitted at once, then killed.
   */
  async 'queued-admitted'({ alice, start, kill, hostMemory }) {
    const big = (name: string) => zapp(name, [service('hog', 0, 'sleep 3600', { resources: memory(Math.floor(hostMemory * 0.6)) })]);
    const first = await start('recorded-first', big('first'));
    await waitForStatus(alice, first, (s) => s === 'running');
    const second = await start('recorded-queued', big('second'));
    const third = await start('recorded-kill-queued', big('third'));
    await waitForStatus(alice, second, (s) => s === 'queued');
    await waitForStatus(alice, third, (s) => s === 'queued');
    await pause(1_000);
    await kill(third);
    await kill(first);
    await waitForStatus(alice, second, (s) => s === 'running', 30_000);
    await kill(second);
    return { 'execution-queued-admitted': second, 'execution-kill-queued': third };
  },

  /**
   * Elastic instances give way: an execution's two elastic instances take half the host, a second
   * execution needs that room, so the first is told to shrink; once the second ends the first grows
   * back, then it is killed.
   */
  async shrunk({ stack, alice, start, kill, hostMemory }) {
    const quarter = Math.floor(hostMemory * 0.25);
    const elastic = await start('recorded-shrunk', zapp('elastic', [
      service('main', 0, 'sleep 3600'),
      service('extra', 1, 'sleep 3600', { essential_count: 1, total_count: 3, resources: memory(quarter) }),
    ]));
    await waitForStatus(alice, elastic, (s) => s === 'running');
    const running = async () => (await stack.containers(elastic)).filter((c) => c.State === 'running').length;
    await until(async () => (await running()) === 4, 'the elastic instances to start');
    const needy = await start('recorded-needy', zapp('needy', [service('hog', 0, 'sleep 3600', { resources: memory(Math.floor(hostMemory * 0.45)) })]));
    await waitForStatus(alice, needy, (s) => s === 'running', 60_000);
    await kill(needy);
    await until(async () => (await running()) === 4, 'the elastic instances to grow back');
    await kill(elastic);
    return { 'execution-shrunk': elastic };
  },
};

/** Runs on a stack of its own with two hosts, one of which is cut off until it is lost. */
async function recordHostLost(out: string): Promise<void> {
  const hosts = await startTwoHosts({ ZOE_HOST_REFRESH_INTERVAL: '1', ZOE_HOST_LOSS_GRACE: '4' });
  try {
    const victim = ((await hosts.alice('POST', '/execution', { name: 'victim', application: labelledJob('victim', ['away']) })).body as { execution_id: number }).execution_id;
    await waitForStatus(hosts.alice, victim, (s) => s === 'running');
    await hosts.relay.stop();
    const ended = await waitForStatus(hosts.alice, victim, FINAL, 90_000);
    assert.match(ended.error_message ?? '', /was lost/);
    await save(hosts.stack, out, 'execution-host-lost', executionWorkflowId(hosts.stack.config.deployment, victim));
  } finally {
    await hosts.stop();
  }
}

/** Records as the API does and starts the workflow, with a runtime limit in milliseconds. */
async function startDirectly(stack: TestStack, application: unknown, runtimeLimitMs: number): Promise<number> {
  const validation = validateZApp(application, stack.config.limits);
  if (!validation.valid) throw new Error(`invalid ZApp: ${JSON.stringify(validation.errors)}`);
  const described = validation.zapp;
  const user = await findUser(stack.pool, 'alice');
  assert.ok(user, 'alice has logged in');
  const submittedAt = new Date();
  return inTransaction(stack.pool, async (db) => {
    const executionId = await insertExecution(db, { name: 'recorded-limit', userId: user.id, description: described, submittedAt });
    const serviceIds = await insertServices(db, executionId, described, expandInstances(described));
    const ctx = {
      executionId, executionName: 'recorded-limit', deployment: stack.config.deployment,
      owner: { id: user.id, username: user.username, fsUid: user.fs_uid }, fsGroupId: stack.config.fsGroupId,
      workspaceBase: stack.config.workspaceBase, runtimeLimitHours: runtimeLimitMs / 3_600_000, submittedAt: submittedAt.getTime(),
    };
    await stack.temporal.workflow.start('executionWorkflow', {
      workflowId: executionWorkflowId(stack.config.deployment, executionId),
      taskQueue: taskQueue(stack.config.deployment),
      args: [executionInput(described, planInstances(described, serviceIds, ctx), ctx)],
      typedSearchAttributes: [
        { key: ZoeOwner, value: user.username }, { key: ZoeZApp, value: described.name },
        { key: ZoeState, value: 'submitted' }, { key: ZoeDeployment, value: stack.config.deployment },
      ],
    });
    return executionId;
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await pause(250);
  }
}

async function save(stack: TestStack, out: string, name: string, workflowId: string): Promise<void> {
  const handle = stack.temporal.workflow.getHandle(workflowId);
  // A saved execution history is complete: its workflow has returned (teardown included).
  if (name.startsWith('execution-')) await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  const file = join(out, `${name}.json`);
  writeFileSync(file, `${historyToJSON(history)}\n`);
  console.log(`saved ${file} (${history.events?.length ?? 0} events)`);
}

const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
const out = outFlag >= 0 ? resolve(args[outFlag + 1] ?? '.') : join(projectRoot, 'test', 'histories');
const force = args.includes('--force');
const named = args.filter((arg, i) => i !== outFlag && i !== outFlag + 1 && arg !== '--force');
const all = Object.keys(FILES);
const unknown = named.filter((name) => !all.includes(name));
if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${all.join(', ')}`);
const chosen = named.length > 0 ? named : all;
if (!existsSync(out)) mkdirSync(out, { recursive: true });
// A kept history is the proof that older executions still replay: never replaced by accident.
const targets = [...chosen.flatMap((name) => FILES[name]!), ...(chosen.some((name) => name !== 'host-lost') ? ['scheduler'] : [])];
const taken = targets.filter((name) => existsSync(join(out, `${name}.json`)));
if (taken.length > 0 && !force) {
  throw new Error(`${taken.map((name) => `${name}.json`).join(', ')} already in ${out}: record into another folder (--out DIR) or replace them with --force`);
}

const onOneHost = chosen.filter((name) => name !== 'host-lost');
if (onOneHost.length > 0) {
  const stack = await startTestStack();
  try {
    const alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    await alice('GET', '/execution'); // her first login creates her account
    // Unlimited quota: the capacity scenarios reserve most of the host.
    await stack.pool.query("UPDATE quota SET memory = 0, cores = 0 WHERE name = 'default'");
    const ctx: Context = {
      stack, alice,
      hostMemory: ((await stack.docker.info()) as { MemTotal: number }).MemTotal,
      start: async (name, application) => {
        const reply = await alice('POST', '/execution', { name, application });
        assert.equal(reply.status, 201, JSON.stringify(reply.body));
        return (reply.body as { execution_id: number }).execution_id;
      },
      kill: async (id) => {
        assert.equal((await alice('DELETE', `/execution/${id}`)).status, 204);
        await waitForStatus(alice, id, FINAL, 60_000);
      },
    };
    for (const name of onOneHost) {
      console.log(`recording ${name}`);
      const recorded = await scenarios[name]!(ctx);
      for (const [file, id] of Object.entries(recorded)) await save(stack, out, file, executionWorkflowId(stack.config.deployment, id));
    }
    await save(stack, out, 'scheduler', schedulerWorkflowId(stack.config.deployment));
  } finally {
    await stack.stop();
  }
}
if (chosen.includes('host-lost')) await recordHostLost(out);
