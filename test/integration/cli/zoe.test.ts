// The `zoe` command spawned as a user runs it, against the real stack: it logs in once and then
// sends the session cookie (seen through a recording proxy); `zoe start -s` follows the monitor
// service's log until it ends or Ctrl-C; the operator commands read the scheduler workflow and
// export an execution's history that replays against the current workflow code.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../../../config/config.js';
import { buildWorkflowBundle } from '../../../worker/worker.js';
import { schedulerWorkflowId } from '../../../model/naming.js';
import { snapshotQuery, type SchedulerSnapshot } from '../../../workflows/messages.js';
import { caller, sampleZApp, waitForStatus, type Caller } from '../../helpers/api.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
interface Seen { method: string; url: string; authorization: boolean; cookie: string | undefined; status: number }

/** A one-service ZApp on busybox whose monitor runs `command`. */
function zappRunning(command: string, cores = 0.1): Record<string, unknown> {
  const zapp = sampleZApp('batch');
  const service = (zapp.services as Array<Record<string, unknown>>)[0]!;
  service.command = command;
  service.environment = [];
  service.resources = { memory: { min: 16 * 1024 ** 2, max: 16 * 1024 ** 2 }, cores: { min: cores, max: cores } };
  return zapp;
}

void describe('the zoe CLI: session, start and follow, operator commands', () => {
  let stack: TestStack;
  let alice: Caller;
  let dir: string;
  let proxy: Server;
  let proxyUrl: string;
  const seen: Seen[] = [];
  /** The proxy spoils the session cookie of the next this-many cookie-bearing requests. */
  let spoilCookies = 0;

  before(async () => {
    stack = await startTestStack({ env: { ZOE_MAX_CORE_LIMIT: '1000' } });
    await stack.pool.query("UPDATE quota SET cores = 0 WHERE name = 'default'");
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    dir = await mkdtemp(join(tmpdir(), 'zoe-cli-'));
    const api = new URL(stack.apiUrl);
    proxy = createServer((incoming, outgoing) => {
      const headers = { ...incoming.headers };
      if (headers.cookie && spoilCookies > 0) {
        spoilCookies--;
        headers.cookie = headers.cookie.replace(/zoe=(\d+)\.(\d+)\.(.)/, (_, id: string, expiry: string, c: string) => `zoe=${id}.${expiry}.${c === 'A' ? 'B' : 'A'}`);
      }
      const entry: Seen = { method: incoming.method!, url: incoming.url!, authorization: headers.authorization !== undefined, cookie: headers.cookie, status: 0 };
      seen.push(entry);
      const forward = request({ host: api.hostname, port: api.port, method: incoming.method, path: incoming.url, headers }, (reply) => {
        entry.status = reply.statusCode ?? 0;
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      });
      incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function spawnZoe(args: string[], options: { user?: [string, string]; url?: string; env?: Record<string, string> } = {}): { child: ChildProcess; done: Promise<Run>; output: () => string } {
    const [user, pass] = options.user ?? ['alice', 'alice-pass'];
    const env = {
      ...process.env, HOME: dir,
      ZOE_URL: options.url ?? stack.apiUrl.replace(/\/api\/0\.7$/, ''), ZOE_USER: user, ZOE_PASS: pass,
      TEMPORAL_ADDRESS: stack.config.temporal.address, ZOE_DEPLOYMENT_NAME: stack.config.deployment,
      ...options.env,
    };
    const child = spawn(process.execPath, [join(projectRoot, 'cli', 'bin', 'zoe.js'), ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const done = new Promise<Run>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return { child, done, output: () => stdout };
  }
  const zoe = (args: string[], options: Parameters<typeof spawnZoe>[1] = {}) => spawnZoe(args, options).done;
  const file = async (name: string, zapp: unknown) => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(zapp));
    return path;
  };
  const submit = async (name: string, zapp: unknown) => ((await alice('POST', '/execution', { name, application: zapp })).body as { execution_id: number }).execution_id;
  const lastId = async () => Number(Object.keys((await alice('GET', '/execution?limit=1')).body as object)[0]);

  void describe('session', () => {
    void it('logs in once with GET /login, then sends the session cookie instead of the password', async () => {
      const id = await submit('session', zappRunning('sleep 600'));
      seen.length = 0;
      const run = await zoe(['get', String(id)], { url: proxyUrl });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Execution ${id}: session`));
      assert.deepEqual(seen[0], { method: 'GET', url: '/api/0.7/login', authorization: true, cookie: undefined, status: 200 });
      const rest = seen.slice(1);
      assert.ok(rest.length >= 4, `execution, service, endpoints, history: ${rest.map((s) => s.url).join(' ')}`);
      for (const call of rest) {
        assert.equal(call.authorization, false, `${call.url}: no password`);
        assert.match(call.cookie ?? '', /^zoe=\d+\.\d+\.[A-Za-z0-9_-]{43}$/, `${call.url}: the cookie`);
        assert.equal(call.status, 200, call.url);
      }
      assert.equal(new Set(rest.map((s) => s.cookie)).size, 1, 'the same cookie throughout');
      await alice('DELETE', `/execution/${id}`);
    });

    void it('logs in again, once, when the cookie stops working', async () => {
      seen.length = 0;
      spoilCookies = 1;
      const run = await zoe(['ls', '--json'], { url: proxyUrl });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(Array.isArray(JSON.parse(run.stdout)));
      assert.deepEqual(seen.map((s) => [s.url.replace(/\?.*/, ''), s.authorization, s.status]), [
        ['/api/0.7/login', true, 200], ['/api/0.7/execution', false, 401], ['/api/0.7/login', true, 200], ['/api/0.7/execution', false, 200],
      ]);
    });

    void it('stops at the login when the password is wrong, saying what to check', async () => {
      seen.length = 0;
      const run = await zoe(['ls'], { url: proxyUrl, user: ['alice', 'wrong'] });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^zoe: invalid username or password \(check ZOE_USER\/ZOE_PASS or ~\/\.zoerc\)\n$/);
      assert.deepEqual(seen.map((s) => s.url), ['/api/0.7/login']);
    });
  });

  void describe('zoe start -s', () => {
    void it('waits until running, then prints the monitor\'s log until it ends, and how the execution ended', async () => {
      const path = await file('ticks.json', zappRunning("sh -c 'for i in 1 2 3; do echo tick $i; sleep 1; done'"));
      const run = await zoe(['start', 'ticks', path, '-s']);
      assert.equal(run.code, 0, run.stderr);
      const id = await lastId();
      assert.equal(run.stdout, `Execution ${id} is running\ntick 1\ntick 2\ntick 3\nExecution ${id} is terminated: essential service job0 exited with code 0\n`);
      assert.match(run.stderr, new RegExp(`Following the log of job0 \\(service \\d+\\); Ctrl-C stops following`));
    });

    void it('reports a monitor that fails with its exit code, as the execution records it', async () => {
      const path = await file('fails.json', zappRunning("sh -c 'echo about to fail; sleep 1; exit 4'"));
      const run = await zoe(['start', 'fails', path, '--wait']);
      const id = await lastId();
      // As in the original Zoe, an essential service that exits ends the execution as terminated, with the reason.
      assert.equal(run.stdout, `Execution ${id} is running\nabout to fail\nExecution ${id} is terminated: essential service job0 exited with code 4\n`);
      assert.equal(run.code, 0, run.stderr);
    });

    void it('exits 3 when the execution never reaches running, without following anything', async () => {
      const zapp = zappRunning('true');
      (zapp.services as Array<Record<string, unknown>>)[0]!.image = 'zoe-local/no-such-image:1';
      const run = await zoe(['start', 'broken', await file('broken.json', zapp), '-s']);
      const id = await lastId();
      const ended = ((await alice('GET', `/execution/${id}`)).body as { status: string; error_message: string });
      assert.equal(ended.status, 'error');
      assert.equal(run.stdout, `Execution ${id} is error: ${ended.error_message}\n`);
      assert.equal(run.code, 3);
      assert.doesNotMatch(run.stderr, /Following the log/);
    });

    void it('stops following on Ctrl-C and leaves the execution running', async () => {
      const path = await file('forever.json', zappRunning("sh -c 'echo ready; sleep 600'"));
      const started = spawnZoe(['start', 'forever', path, '-s']);
      const deadline = Date.now() + 60_000;
      while (!started.output().includes('ready\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.match(started.output(), /ready\n/, 'the log is being followed');
      started.child.kill('SIGINT');
      const run = await started.done;
      const id = await lastId();
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`Stopped following: your execution ${id} is still running \\(\`zoe logs \\d+ -f\` follows it again, \`zoe kill ${id}\` ends it\\)`));
      assert.equal(((await alice('GET', `/execution/${id}`)).body as { status: string }).status, 'running');
      await alice('DELETE', `/execution/${id}`);
    });

    void it('returns once running with -r, and with --json prints the execution without following', async () => {
      const path = await file('quiet.json', zappRunning("sh -c 'echo should-not-appear; sleep 600'"));
      const run = await zoe(['start', 'quiet', path, '-s', '-r']);
      assert.equal(run.code, 0, run.stderr);
      const id = await lastId();
      assert.equal(run.stdout, `Execution ${id} is running\n`);
      const json = await zoe(['start', 'quiet-json', path, '--wait', '--json']);
      assert.equal(json.code, 0, json.stderr);
      const execution = JSON.parse(json.stdout) as { id: number; status: string };
      assert.equal(execution.status, 'running');
      for (const each of [id, execution.id]) await alice('DELETE', `/execution/${each}`);
      for (const each of [id, execution.id]) await waitForStatus(alice, each, (s) => s === 'terminated');
    });

    void it('lists an execution\'s endpoints as links, and as JSON', async () => {
      const id = ((await alice('POST', '/execution', { name: 'links', application: sampleZApp('web') })).body as { execution_id: number }).execution_id;
      await waitForStatus(alice, id, (s) => s === 'running');
      const text = await zoe(['endpoints', String(id)]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^Web page: http:\/\/127\.0\.0\.1:\d+\/\n$/);
      const json = await zoe(['endpoints', String(id), '--json']);
      const [endpoint] = JSON.parse(json.stdout) as Array<{ name: string; url: string }>;
      assert.match(await (await fetch(endpoint!.url)).text(), /Hello from a Zoe ZApp/);
      await alice('DELETE', `/execution/${id}`);
      await waitForStatus(alice, id, (s) => s === 'terminated');
    });
  });

  void describe('zoe ops', () => {
    void it('shows the scheduler\'s hosts, its queue with positions and reasons, and the allocations per host', async () => {
      const scheduler = stack.temporal.workflow.getHandle(schedulerWorkflowId(stack.config.deployment));
      const host = (await scheduler.query(snapshotQuery)).hosts[0]!;
      const big = Math.round(host.cores * 0.6 * 100) / 100; // two cannot run together
      const first = await submit('big-one', zappRunning('sleep 600', big));
      await waitForStatus(alice, first, (s) => s === 'running');
      const second = await submit('big-two', zappRunning('sleep 600', big));
      await waitForStatus(alice, second, (s) => s === 'queued');
      let snapshot: SchedulerSnapshot;
      const deadline = Date.now() + 20_000;
      do snapshot = await scheduler.query(snapshotQuery);
      while (!snapshot.waiting.some((w) => w.executionId === second) && Date.now() < deadline);
      const waiting = snapshot.waiting.find((w) => w.executionId === second)!;
      assert.ok(waiting, 'the scheduler says why the second one waits');

      const json = await zoe(['ops', 'scheduler', '--json'], { user: ['nobody', 'no-login-needed'] });
      assert.equal(json.code, 0, json.stderr);
      const printed = JSON.parse(json.stdout) as SchedulerSnapshot;
      assert.deepEqual(printed.hosts, snapshot.hosts);
      assert.deepEqual(printed.queue, snapshot.queue);
      assert.deepEqual(printed.placements, snapshot.placements);
      assert.deepEqual(printed.waiting.map((w) => [w.executionId, w.position, w.reason]), snapshot.waiting.map((w) => [w.executionId, w.position, w.reason]));

      const run = await zoe(['ops', 'scheduler']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Hosts:\nHost +Status +Labels +Memory reserved +Cores reserved +Instances\n/);
      assert.match(run.stdout, new RegExp(`\\n${host.name} +online .* ${big} / ${host.cores} +1\\n`));
      assert.match(run.stdout, new RegExp(`\\nQueue \\(1\\):\\nPosition +Execution +Submitted +Size +Why it waits\\n-[- ]+\\n1 +${second} .*${waiting.reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
      assert.match(run.stdout, new RegExp(`\\nAllocations:\\n  ${host.name}:\\n    Execution +Instance +Essential +Memory +Cores\\n    -[- ]+\\n    ${first} +job0 +yes +16 MiB +${big}\\n`));
      for (const id of [second, first]) await alice('DELETE', `/execution/${id}`);
    });

    void it('exports an execution\'s history as JSON that replays against the current workflows', async () => {
      const id = await submit('recorded', zappRunning("sh -c 'echo once; exit 0'"));
      await waitForStatus(alice, id, (s) => s === 'terminated');
      const out = join(dir, 'history.json');
      const run = await zoe(['ops', 'history', String(id), '--out', out]);
      assert.equal(run.code, 0, run.stderr);
      const text = await readFile(out, 'utf8');
      const history = historyFromJSON(JSON.parse(text));
      assert.match(run.stderr, new RegExp(`^${history.events!.length} events of zoe-${stack.config.deployment}-execution-${id} written to ${out}\\n$`));
      assert.ok(history.events!.length > 10);
      assert.equal(history.events![0]!.workflowExecutionStartedEventAttributes?.workflowType?.name, 'executionWorkflow');
      await Worker.runReplayHistory({ workflowBundle: await buildWorkflowBundle() }, history, `execution-${id}`);
      const toStdout = await zoe(['ops', 'history', String(id)]);
      const events = (json: string) => historyFromJSON(JSON.parse(json)).events!.map((e) => `${String(e.eventId)} ${e.eventType}`);
      assert.deepEqual(events(toStdout.stdout), events(text), 'the same history on stdout');
    });

    void it('says what is wrong: an unknown execution, a bad id, an unreachable Temporal', async () => {
      const unknown = await zoe(['ops', 'history', '424242']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, `zoe: no workflow zoe-${stack.config.deployment}-execution-424242 in namespace default for deployment ${stack.config.deployment}; check the id (\`zoe ls\`) and ZOE_DEPLOYMENT_NAME\n`);
      const bad = await zoe(['ops', 'history', '12abc']);
      assert.deepEqual([bad.code, bad.stderr], [2, 'zoe: "12abc" is not an execution id: expected a positive integer\n']);
      const otherDeployment = await zoe(['ops', 'scheduler'], { env: { ZOE_DEPLOYMENT_NAME: 'nothere' } });
      assert.equal(otherDeployment.code, 1);
      assert.match(otherDeployment.stderr, /^zoe: no scheduler workflow in namespace default for deployment nothere; is the worker running/);
      const unreachable = await zoe(['ops', 'scheduler'], { env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
      assert.equal(unreachable.code, 1);
      assert.match(unreachable.stderr, /^zoe: cannot reach Temporal at 127\.0\.0\.1:1 .*set TEMPORAL_ADDRESS/);
    });
  });
});
