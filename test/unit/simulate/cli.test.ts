// `zoe simulate` and `zoe simulate-trace` end to end, as a user runs them: real processes, real files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, PngUnavailableError, writePng } from '../../../scheduler/simulate/png.js';
import { job, jsonLines } from './helpers.js';

const zoe = fileURLToPath(new URL('../../../cli/bin/zoe.js', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [zoe, ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Checks that every tag is closed in order and the document is one <svg> element. */
function assertWellFormedSvg(svg: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const stack: string[] = [];
  let roots = 0;
  for (const match of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name = '', , selfClosing] = match;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    else if (!selfClosing) {
      if (stack.length === 0) roots += 1;
      stack.push(name);
    } else if (stack.length === 0) roots += 1;
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.equal(roots, 1, 'one root element');
  const withoutTags = svg.replace(/<[^>]*>/g, '');
  assert.doesNotMatch(withoutTags, /[<>]|&(?!amp;|lt;|gt;|quot;)/, 'text is escaped');
}

void describe('zoe simulate', () => {
  let dir = '';
  const file = (name: string) => join(dir, name);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoe-simulate-'));
    // The hand-computed trace of engine.test.ts: FIFO gives turnarounds 10, 13 and 8.
    writeFileSync(file('trace.jsonl'), jsonLines([job(0, 10, 4), job(2, 5, 2), job(3, 1, 2)]));
    writeFileSync(file('hosts.json'), '[{"name": "h1", "cores": 4, "memory": "8GiB"}]\n');
    writeFileSync(file('hosts.conf'), '[DEFAULT]\nmemory: 8GiB\n\n[h1]\ncores: 4\n');
    writeFileSync(file('bad-trace.jsonl'), `${jsonLines([job(0, 10, 4)])}{"arrival": 1, "runningTime": "soon", "services": []}\n`);
    writeFileSync(file('bad-hosts.conf'), '[h1]\ncores: 4\nmemory: plenty\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('prints the policies side by side', async () => {
    const { code, stdout, stderr } = await run(['simulate', '--trace', file('trace.jsonl'), '--hosts', file('hosts.json'), '--elastic', 'fixed']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /3 executions · 1 host, 4 cores, 8 GiB · placement spread · elastic model fixed · seed 1/);
    assert.match(stdout, /^metric\s+FIFO\s+SIZE\s+DYNSIZE$/m);
    assert.match(stdout, /^turnaround mean\s+10\.3s\s/m);
    assert.match(stdout, /^makespan\s+15s\s+/m);
    assert.match(stdout, /^utilisation cores\s+86\.7%/m);
  });

  void it('--json prints the numbers, the same for the INI host file', async () => {
    const runs = await Promise.all([file('hosts.json'), file('hosts.conf')].map((hosts) =>
      run(['simulate', '--trace', file('trace.jsonl'), '--hosts', hosts, '--policy', 'fifo,SIZE', '--elastic', 'fixed', '--json'])));
    const [json, ini] = runs.map(({ code, stdout, stderr }) => {
      assert.equal(code, 0, stderr);
      return JSON.parse(stdout) as {
        trace: { executions: number; refused: unknown[] }; hosts: { count: number; cores: number; memory: number };
        placement: string; elasticModel: string; seed: number;
        results: { policy: string; completed: number; turnaround: { mean: number; median: number; p95: number }; wait: { mean: number }; makespan: number; utilisation: { cores: number; memory: number } }[];
      };
    });
    assert.ok(json && ini);
    assert.deepEqual(json.results, ini.results);
    assert.deepEqual(json.trace, { file: file('trace.jsonl'), executions: 3, refused: [] });
    assert.deepEqual(json.hosts, { file: file('hosts.json'), count: 1, cores: 4, memory: 8 * 1024 ** 3 });
    assert.deepEqual([json.placement, json.elasticModel, json.seed], ['spread', 'fixed', 1]);
    assert.deepEqual(json.results.map((r) => r.policy), ['FIFO', 'SIZE']);
    const fifo = json.results[0];
    assert.equal(fifo?.completed, 3);
    assert.equal(fifo?.turnaround.median, 10);
    assert.equal(fifo?.wait.mean, 5);
    assert.equal(fifo?.makespan, 15);
    assert.ok(Math.abs((fifo?.utilisation.cores ?? 0) - 52 / 60) < 1e-12);
  });

  void it('--plot writes a well-formed SVG comparing the policies', async () => {
    const { code, stdout, stderr } = await run(['simulate', '--trace', file('trace.jsonl'), '--hosts', file('hosts.json'), '--plot', file('out.svg')]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /plot written to .*out\.svg/);
    const svg = readFileSync(file('out.svg'), 'utf8');
    assertWellFormedSvg(svg);
    for (const policy of ['FIFO', 'SIZE', 'DYNSIZE']) assert.match(svg, new RegExp(`>${policy}</text>`));
    assert.equal(svg.match(/<path /g)?.length, 3, 'one turnaround CDF per policy');
    assert.match(svg, /Turnaround.*Queue wait.*Makespan.*Utilisation/s);
  });

  void it('--plot .png renders through Chromium, or says to use .svg', async () => {
    const { code, stderr } = await run(['simulate', '--trace', file('trace.jsonl'), '--hosts', file('hosts.json'), '--plot', file('out.png')]);
    if (existsSync(CHROMIUM)) {
      assert.equal(code, 0, stderr);
      assert.deepEqual([...readFileSync(file('out.png')).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    } else {
      assert.equal(code, 2);
      assert.match(stderr, /PNG output needs Chromium.*write the plot as \.svg/);
    }
    assert.throws(() => writePng('<svg/>', 10, 10, file('never.png'), '/nonexistent/chromium'), PngUnavailableError);
    assert.equal(existsSync(file('never.png')), false);
  });

  void it('refuses bad input with exit code 2 and the line', async () => {
    const cases: [string[], RegExp][] = [
      [['--trace', file('bad-trace.jsonl'), '--hosts', file('hosts.json')], /bad-trace\.jsonl: line 2: runningTime: expected a number/],
      [['--trace', file('trace.jsonl'), '--hosts', file('bad-hosts.conf')], /bad-hosts\.conf: line 3: host \[h1\]: memory must be a positive amount/],
      [['--trace', file('missing.jsonl'), '--hosts', file('hosts.json')], /cannot read .*missing\.jsonl: ENOENT/],
      [['--trace', file('trace.jsonl'), '--hosts', file('hosts.json'), '--policy', 'FIFO,LIFO'], /unknown queue policy "LIFO": use FIFO, SIZE, DYNSIZE/],
      [['--trace', file('trace.jsonl'), '--hosts', file('hosts.json'), '--plot', file('out.jpg')], /must end in \.svg or \.png/],
      [['--trace', file('trace.jsonl')], /required option '--hosts <file>'/],
    ];
    const runs = await Promise.all(cases.map(([args]) => run(['simulate', ...args])));
    runs.forEach(({ code, stdout, stderr }, index) => {
      assert.equal(code, 2, `case ${index}: ${stderr}`);
      assert.equal(stdout, '');
      assert.match(stderr, cases[index]?.[1] ?? /^$/);
    });
  });
});

void describe('zoe simulate-trace', () => {
  void it('writes the same paper-shaped trace for the same seed, and the paper\'s hosts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoe-simulate-trace-'));
    try {
      const [a, b, c] = await Promise.all([
        run(['simulate-trace', '--executions', '20', '--seed', '7', '--hosts-out', join(dir, 'hosts.json')]),
        run(['simulate-trace', '--executions', '20', '--seed', '7']),
        run(['simulate-trace', '--executions', '20', '--seed', '8']),
      ]);
      assert.equal(a?.code, 0, a?.stderr);
      assert.equal(a?.stdout, b?.stdout);
      assert.notEqual(a?.stdout, c?.stdout);
      assert.equal(a?.stdout.trim().split('\n').length, 20);
      const hosts = JSON.parse(readFileSync(join(dir, 'hosts.json'), 'utf8')) as { cores: number; memory: string }[];
      assert.equal(hosts.length, 25);
      assert.ok(hosts.every((h) => h.cores === 32 && h.memory === '128GiB'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
