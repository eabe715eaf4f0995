// Benchmark (prints figures; not a test): the cost of one full scheduling pass of the pure
// `decide` with 1,000 to 10,000 queued executions on 25 hosts × 32 cores × 128 GiB, and how it
// grows against n log n. Run: node --import tsx bench/scheduler-decide.ts [runs]
import { decide } from '../scheduler/decide.js';
import { generatePaperTrace, paperHosts } from '../scheduler/simulate/generate.js';
import { toRequest } from '../scheduler/simulate/trace.js';
import type { DecideInput, ExecutionRequest, Placement } from '../scheduler/types.js';

const SIZES = [1_000, 2_000, 5_000, 10_000];
const runs = Math.max(3, Number(process.argv[2] ?? 7));
const hosts = paperHosts();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function time(input: DecideInput): { ms: number; admitted: number } {
  const samples: number[] = [];
  let admitted = 0;
  decide(input); // warm-up
  // Small queues get more samples: their passes are short and the machine is shared.
  const samplesWanted = Math.max(runs, Math.round((runs * 5_000) / input.queue.length));
  for (let i = 0; i < samplesWanted; i += 1) {
    const start = performance.now();
    const decision = decide(input);
    samples.push(performance.now() - start);
    admitted = decision.admit.length;
  }
  return { ms: median(samples), admitted };
}

/**
 * Two passes per size, over paper-shaped requests (80% elastic batch, 20% rigid), FIFO + spread:
 * - burst: n executions queued at once on an empty pool (admits what fits, grows elastic);
 * - busy: the pool as the burst pass left it (full, mostly of elastic instances), the n queued
 *   executions still there: the admitted ones wait for elastic instances, the rest for admission,
 *   so every one is examined and most have to reclaim elastic capacity or fail.
 */
function measure(n: number) {
  const queue: ExecutionRequest[] = generatePaperTrace({ executions: n, seed: 2024 }).map((e) => toRequest({ ...e, line: 0 }));
  const base = { hosts, policy: { queue: 'FIFO' as const, placement: 'spread' as const }, now: 10_000_000, seed: 1 };
  const burstInput: DecideInput = { ...base, queue, placements: [] };
  const burst = time(burstInput);
  const first = decide(burstInput);
  const placements: Placement[] = [...first.admit.flatMap((a) => a.placements), ...first.grow];
  const busy = time({ ...base, queue, placements, admitted: first.admit.map((a) => a.executionId), headBypass: first.headBypass });
  return { n, burst, busy, placed: placements.length };
}

console.log(`decide(): one full pass, 25 hosts × 32 cores × 128 GiB, FIFO + spread, median of at least ${runs} runs (node ${process.version})\n`);
measure(SIZES[0] ?? 1_000); // warm the JIT before anything is recorded
const results = SIZES.map(measure);
const [reference] = results;
if (!reference) throw new Error('no sizes');
const nlogn = (n: number) => n * Math.log2(n);
const header = ['queued', 'burst pass', 'busy pass', 'busy ÷ 1,000', 'n log n ÷ 1,000', 'growth ÷ n log n', 'admitted (burst)', 'placements (busy)'];
const rows = results.map(({ n, burst, busy, placed }) => {
  const growth = busy.ms / reference.busy.ms;
  const expected = nlogn(n) / nlogn(reference.n);
  return [n.toLocaleString('en'), `${burst.ms.toFixed(1)} ms`, `${busy.ms.toFixed(1)} ms`, growth.toFixed(2), expected.toFixed(2), (growth / expected).toFixed(2), String(burst.admitted), String(placed)];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
console.log(header.map((h, i) => h.padStart(widths[i] ?? 0)).join('  '));
for (const row of rows) console.log(row.map((c, i) => c.padStart(widths[i] ?? 0)).join('  '));
console.log('\ngrowth ÷ n log n near 1: the pass grows like n log n; above 1 and rising: faster than n log n.');
