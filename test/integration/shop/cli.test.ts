// The `zoe` command against the real stack, spawned as a user would run it: `zoe shop ls`, `show`
// and `start` (output, --json, exit codes, messages that say what to do next), and
// `zoe zapp validate`, whose problems are exactly those `POST /zapp_validate` reports.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../../config/config.js';
import { caller, waitForStatus, type Caller } from '../../helpers/api.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';
import { sampleShop } from './helpers.js';

interface Run { code: number | null; stdout: string; stderr: string }

const MiB = 1024 ** 2;

void describe('the zoe CLI: shop and zapp validate', () => {
  let stack: TestStack;
  let alice: Caller;
  let admin: Caller;
  let dir: string;

  before(async () => {
    stack = await startTestStack();
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
    dir = await mkdtemp(join(tmpdir(), 'zoe-cli-'));
  });
  after(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `zoe ARGS` as a user; asynchronous, since the API it calls runs in this process. */
  function zoe(args: string[], user: [string, string] = ['alice', 'alice-pass']): Promise<Run> {
    const env = { ...process.env, ZOE_URL: stack.apiUrl.replace(/\/api\/0\.7$/, ''), ZOE_USER: user[0], ZOE_PASS: user[1] };
    const child = spawn(process.execPath, [join(projectRoot, 'cli', 'bin', 'zoe.js'), ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
  const asAdmin = (args: string[]) => zoe(args, ['admin', stack.adminPassword]);

  void describe('zoe shop', () => {
    void it('ls: a table by category, and --json as the API gives it', async () => {
      const run = await zoe(['shop', 'ls']);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.split('\n');
      assert.match(lines[0]!, /^ID +Category +Name +Parameters$/);
      assert.match(lines[2]!, /^batch-0 +Batch +Countdown job +STEPS, job$/);
      assert.match(lines[3]!, /^cluster-0 +Distributed +Master and workers +worker, REPORT_INTERVAL$/);
      assert.match(lines[4]!, /^web-0 +Interactive +Hello web page$/);
      assert.match(run.stdout, /start it with `zoe shop start ID NAME`/);
      assert.doesNotMatch(run.stdout, /could not be loaded/);

      const json = await zoe(['shop', 'ls', '--json']);
      assert.equal(json.code, 0);
      assert.deepEqual(JSON.parse(json.stdout), (await alice('GET', '/zapp_shop')).body);
    });

    void it('show: the readme as plain text, parameters with defaults and ranges, services', async () => {
      const run = await zoe(['shop', 'show', 'cluster-0']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Master and workers {2}\(cluster-0, Distributed\)\n\nMaster and workers\n={18}\n\nA master that serves a status page/);
      assert.match(run.stdout, /\n {2}- Workers \(service_count of the worker service, 1 to 4\): every worker becomes essential, so\n {4}the execution/);
      assert.doesNotMatch(run.stdout, /<\/?[a-z]+>|&#39;/, 'no HTML left');
      assert.match(run.stdout, /\nworker +service_count +int +3 +1\.\.4 +Workers: How many workers to start/);
      assert.match(run.stdout, /\nREPORT_INTERVAL +environment +int +5 +1\.\.60 +Report interval/);
      assert.match(run.stdout, /\nmaster +zoe-local\/busybox:1 +1 +1 +0\.031 +0\.2\n/);
      assert.match(run.stdout, /\nworker +zoe-local\/busybox:1 +1 +3 +0\.016 +0\.1\n/);
      assert.match(run.stdout, /your role starts it as described: it cannot set parameters or resources/);

      const forAdmin = await asAdmin(['shop', 'show', 'batch-0']);
      assert.match(forAdmin.stdout, /Start it: zoe shop start batch-0 NAME \[--param KEY=VALUE\]… \[--memory SERVICE=GiB\] \[--cores SERVICE=N\]/);
      assert.match(forAdmin.stdout, /\njob +command +string +sh -c 'for i in/);

      const json = await zoe(['shop', 'show', 'web-0', '--json']);
      assert.deepEqual(JSON.parse(json.stdout), (await alice('GET', '/zapp_shop/web-0')).body);
    });

    void it('show: an unknown or malformed id exits 1 saying so', async () => {
      const unknown = await zoe(['shop', 'show', 'nope-0']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, 'zoe: ZApp nope-0 in the shop not found\n');
      const traversal = await zoe(['shop', 'show', '../../etc/passwd']);
      assert.equal(traversal.code, 1);
      assert.equal(traversal.stderr, 'zoe: invalid path: id: Expected a ZApp shop id <folder>-<number>, like zapp-spark-0; got the string "../../etc/passwd".\n');
    });

    void it('start --wait: parameters and resources reach the containers, and it reports running', async () => {
      const run = await asAdmin(['shop', 'start', 'cluster-0', 'cli-cluster', '--param', 'worker=2', '--param', 'REPORT_INTERVAL=9',
        '--memory', 'worker=0.03125', '--cores', 'worker=0.2', '--wait']);
      assert.equal(run.code, 0, run.stderr);
      const id = Number(/^Execution (\d+) is running$/m.exec(run.stdout)?.[1]);
      assert.ok(id > 0, run.stdout);
      assert.deepEqual((await stack.containers(id)).map((c) => c.Labels.zoe_service_name).sort(), ['master0', 'worker0', 'worker1']);
      const worker = await stack.docker.getContainer(`worker1-${id}-${stack.config.deployment}`).inspect();
      assert.equal(worker.HostConfig.Memory, 32 * MiB);
      assert.equal(worker.HostConfig.NanoCpus, 200_000_000);
      assert.ok(worker.Config.Env.includes('REPORT_INTERVAL=9'));
      assert.equal((await admin('DELETE', `/execution/${id}`)).status, 204);
      await waitForStatus(admin, id, (s) => s === 'terminated');
    });

    void it('start --json without --wait: prints the id; the batch job then ends by itself', async () => {
      const run = await asAdmin(['shop', 'start', 'batch-0', 'cli-batch', '--param', 'STEPS=1', '--json']);
      assert.equal(run.code, 0, run.stderr);
      const { execution_id: id } = JSON.parse(run.stdout) as { execution_id: number };
      const ended = await waitForStatus(admin, id, (s) => s === 'terminated' || s === 'error');
      assert.equal(ended.status, 'terminated');
      assert.match(String(ended.error_message), /exited with code 0/);
    });

    void it('start: refusals list every problem and say what to do next; bad usage exits 2', async () => {
      const count = async () => (await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM execution')).rows[0]?.n;
      const before = await count();
      const outOfRange = await asAdmin(['shop', 'start', 'batch-0', 'x', '--param', 'STEPS=0', '--param', 'NOPE=1']);
      assert.equal(outOfRange.code, 1);
      assert.equal(outOfRange.stderr, 'zoe: the shop refused to start batch-0; fix these and run the command again (`zoe shop show batch-0` lists the parameters):\n'
        + '  parameters.NOPE: Unknown parameter "NOPE": this ZApp has STEPS, job.\n'
        + '  parameters.STEPS: Must be between 1 and 600, got 0.\n');

      const notAllowed = await zoe(['shop', 'start', 'batch-0', 'x', '--param', 'STEPS=2']);
      assert.equal(notAllowed.code, 1);
      assert.match(notAllowed.stderr, /^zoe: your role \(user\) cannot set parameters or resources; start the ZApp without them/);

      const unknown = await zoe(['shop', 'start', 'nope-0', 'x']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, 'zoe: ZApp nope-0 in the shop not found; `zoe shop ls` lists the ZApps you can start\n');

      for (const [args, message] of [
        [['--param', 'STEPS'], /^zoe: --param expects KEY=VALUE, got "STEPS"\n$/],
        [['--param', '=3'], /^zoe: --param expects KEY=VALUE, got "=3"\n$/],
        [['--memory', 'job=lots'], /^zoe: --memory expects a positive number, got "lots"\n$/],
        [['--cores', 'job=-1'], /^zoe: --cores expects a positive number, got "-1"\n$/],
      ] as const) {
        const run = await asAdmin(['shop', 'start', 'batch-0', 'x', ...args]);
        assert.equal(run.code, 2, args.join(' '));
        assert.match(run.stderr, message);
      }
      const missingName = await zoe(['shop', 'start', 'batch-0']);
      assert.equal(missingName.code, 2);
      assert.match(missingName.stderr, /missing required argument 'name'/);
      assert.equal(await count(), before, 'nothing was started');
    });
  });

  void describe('zoe zapp validate and POST /zapp_validate', () => {
    async function apiValidate(text: string): Promise<{ status: number; errors: unknown }> {
      const response = await fetch(`${stack.apiUrl}/zapp_validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      const body = await response.json() as { validation?: string; error?: { details?: { errors: unknown } } };
      return { status: response.status, errors: response.ok ? (body.validation === 'ok' ? [] : body) : body.error?.details?.errors };
    }
    async function file(name: string, text: string): Promise<string> {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    }

    void it('accepts a valid ZApp both ways', async () => {
      const path = join(sampleShop, 'cluster', 'cluster.json');
      const run = await zoe(['zapp', 'validate', path]);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, `${path}: valid\n`);
      const json = await zoe(['zapp', 'validate', path, '--json']);
      assert.equal(json.code, 0);
      assert.deepEqual(JSON.parse(json.stdout), { valid: true, errors: [] });
      assert.deepEqual(await apiValidate(await readFile(path, 'utf8')), { status: 200, errors: [] });
      const withBom = await file('bom.json', `\uFEFF${await readFile(path, 'utf8')}`);
      assert.equal((await zoe(['zapp', 'validate', withBom])).code, 0);
      assert.deepEqual(await apiValidate(await readFile(withBom, 'utf8')), { status: 200, errors: [] });
    });

    void it('lists the same problems, with the same paths and messages, for invalid ZApps', async () => {
      const zapp = JSON.parse(await readFile(join(sampleShop, 'cluster', 'cluster.json'), 'utf8')) as { services: Array<Record<string, unknown>>; colour?: string };
      delete zapp.services[0]!.image;
      zapp.services[1]!.essential_count = 5;
      zapp.services[1]!.environment = [['MASTER_URL', 'http://{dns_name#master7}:8080/']];
      zapp.colour = 'blue';
      const cases: Record<string, string> = {
        'broken.json': JSON.stringify(zapp, null, 2),
        'syntax.json': '{\n  "name": "x",\n  "services": [\n}',
        'empty.json': '',
        'not-an-object.json': '[1, 2]',
      };
      const results: Record<string, Array<{ path: string; message: string }>> = {};
      for (const [name, text] of Object.entries(cases)) {
        const path = await file(name, text);
        const json = await zoe(['zapp', 'validate', path, '--json']);
        assert.equal(json.code, 1, name);
        const local = JSON.parse(json.stdout) as { valid: boolean; errors: Array<{ path: string; message: string }> };
        results[name] = local.errors;
        assert.equal(local.valid, false);
        assert.ok(local.errors.length > 0);
        const remote = await apiValidate(text);
        assert.equal(remote.status, 400, name);
        assert.deepEqual(remote.errors, local.errors, name);

        const plain = await zoe(['zapp', 'validate', path]);
        assert.equal(plain.code, 1);
        assert.equal(plain.stdout, `${path}: ${local.errors.length} problem${local.errors.length === 1 ? '' : 's'}\n${local.errors.map((e) => `  ${e.path || '(root)'}: ${e.message}\n`).join('')}`);
      }
      assert.deepEqual(results['broken.json']?.map((e) => e.path).sort(), ['colour', 'services[0].image', 'services[1].environment[0][1]', 'services[1].essential_count'].sort());
      assert.equal(results['syntax.json']?.length, 1);
      assert.equal(results['syntax.json']?.[0]?.path, '');
      assert.match(results['syntax.json']?.[0]?.message ?? '', /^The ZApp description is not valid JSON: .* at line 4, column 1\.$/);
    });

    void it('exits 2 for a file it cannot read', async () => {
      const run = await zoe(['zapp', 'validate', join(dir, 'missing.json')]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^zoe: cannot read .*missing\.json: ENOENT\n$/);
    });
  });
});
