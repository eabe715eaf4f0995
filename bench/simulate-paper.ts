// Benchmark (prints figures; not a test): a 4,000-execution trace shaped like the Zoe scheduling
// paper's (80% elastic batch jobs, 20% rigid; 25 hosts × 32 cores × 128 GiB) replayed under
// FIFO, SIZE and DYNSIZE, with the wall time of each.
// Run: node --import tsx bench/simulate-paper.ts [executions=4000] [seed=1] [load=0.9]
import { resultTable } from '../cli/commands/simulate.js';
import { simulate } from '../scheduler/simulate/engine.js';
import { generatePaperTrace, paperHosts } from '../scheduler/simulate/generate.js';
import type { TraceExecution } from '../scheduler/simulate/trace.js';

const executions = Number(process.argv[2] ?? 4000);
const seed = Number(process.argv[3] ?? 1);
const load = Number(process.argv[4] ?? 0.9);
const trace: TraceExecution[] = generatePaperTrace({ executions, seed, load }).map((e) => ({ ...e, line: e.id }));
const hosts = paperHosts();

console.log(`paper-shaped trace: ${executions} executions (seed ${seed}, offered load ${load}), 25 hosts × 32 cores × 128 GiB, spread, linear elastic model (node ${process.version})\n`);
const wall: string[] = [];
const started = performance.now();
const summaries = (['FIFO', 'SIZE', 'DYNSIZE'] as const).map((policy) => {
  const start = performance.now();
  const { summary } = simulate(trace, hosts, { policy });
  wall.push(`${policy} ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return summary;
});
const total = (performance.now() - started) / 1000;
console.log(resultTable(summaries));
console.log(`\nwall time: ${wall.join(', ')}; all three ${total.toFixed(1)} s (${total < 60 ? 'under' : 'OVER'} a minute)`);
