// Benchmark (prints figures; not a test): how long `zoe info` takes against a running API, from the
// process's start to its exit, beside `node -e 0` (the floor: starting Node itself) in the same run,
// medians of interleaved runs. Also the same command run through tsx from the TypeScript (how the
// CLI ran before it shipped compiled) and through `npx` (npm's own start added). It uses the API of
// a running `npm start` when one answers (ZOE_URL or the local admin file); otherwise it starts a
// Zoe of its own with the test helpers (Temporal dev server, PostgreSQL, worker, API) and stops it.
// Run: npm run bench:cli [-- runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCredentials } from '../cli/credentials.js';
import { projectRoot } from '../config/config.js';

const runs = Math.max(3, Number(process.argv[2] ?? 11));
const TARGET_SECONDS = 0.3;

interface Variant {
  label: string;
  command: string;
  args: string[];
  note?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs a command to its end; wall time in seconds, and its output when it fails. */
function timed(variant: Variant, env: NodeJS.ProcessEnv): Promise<{ seconds: number; ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(variant.command, variant.args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ seconds: (performance.now() - start) / 1000, ok: code === 0, output }));
  });
}

/** An API that answers: the running `npm start`'s, or one started here (with what stops it). */
async function findApi(): Promise<{ url: string; authFile?: string; origin: string; stop(): Promise<void> }> {
  try {
    const credentials = resolveCredentials(undefined);
    const reply = await fetch(`${credentials.url}/api/0.7/info`, { signal: AbortSignal.timeout(2_000) });
    if (reply.ok) return { url: credentials.url, origin: `the running npm start (${credentials.source})`, stop: () => Promise.resolve() };
  } catch {
    // nothing configured, or nothing answers: start one
  }
  console.log('No running Zoe answers (npm start): starting one with the test helpers (about a minute)…');
  const { startTestStack } = await import('../test/helpers/stack.js');
  const stack = await startTestStack();
  const dir = mkdtempSync(join(tmpdir(), 'zoe-bench-cli-'));
  const authFile = join(dir, 'zoerc');
  const url = stack.apiUrl.replace(/\/api\/0\.7$/, '');
  writeFileSync(authFile, `url = ${url}\nuser = admin\npass = ${stack.adminPassword}\n`, { mode: 0o600 });
  return {
    url, authFile, origin: 'a Zoe started by this benchmark',
    stop: async () => {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const api = await findApi();
const auth = api.authFile ? ['--auth-file', api.authFile] : [];
const node = process.execPath;
const variants: Variant[] = [
  { label: 'node -e 0', command: node, args: ['-e', '0'] },
  { label: 'zoe info (compiled, dist/)', command: node, args: [join(projectRoot, 'cli', 'bin', 'zoe.js'), 'info', ...auth] },
  { label: 'zoe info through tsx (before)', command: node, args: ['--import', 'tsx', join(projectRoot, 'cli', 'main.ts'), 'info', ...auth] },
  { label: 'npx zoe info', command: 'npx', args: ['--no-install', 'zoe', 'info', ...auth], note: 'npm\'s own start included' },
];
try {
  for (const variant of variants) {
    const check = await timed(variant, process.env);
    if (!check.ok) throw new Error(`${variant.label} failed:\n${check.output}`);
  }
  const samples = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));
  // Interleaved, so a burst of load on the shared machine weighs on every variant alike; npx last and
  // apart, since npm's own work around each call would weigh on the runs that follow it.
  const [npx, ...direct] = [variants.at(-1)!, ...variants.slice(0, -1)];
  for (let i = 0; i < runs; i += 1) {
    for (const variant of direct) samples.get(variant)!.push((await timed(variant, process.env)).seconds);
  }
  for (let i = 0; i < runs; i += 1) samples.get(npx)!.push((await timed(npx, process.env)).seconds);
  const floor = median(samples.get(variants[0]!)!);
  console.log(`\nzoe info against ${api.url} (${api.origin}), Node ${process.version}, median of ${runs} runs each:`);
  for (const variant of variants) {
    const seconds = median(samples.get(variant)!);
    const notes = [variant === variants[0] ? 'the floor' : `${(seconds / floor).toFixed(1)}× node -e 0`];
    if (variant === variants[1]) notes.push(`target ≤ ${TARGET_SECONDS} s: ${seconds <= TARGET_SECONDS ? 'met' : 'NOT met'}`);
    if (variant.note) notes.push(variant.note);
    console.log(`  ${variant.label.padEnd(32)} ${seconds.toFixed(3)} s   (${notes.join('; ')})`);
  }
} finally {
  await api.stop();
}
