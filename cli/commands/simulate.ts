// `zoe simulate`: replays a workload trace through the scheduler's own decision function, offline,
// and compares queue policies; `zoe simulate-trace` writes a paper-shaped trace to try it on.
// Neither talks to the API.
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { simulate, type ElasticModel, type PolicySummary, type RefusedExecution, type SimulationResult } from '../../scheduler/simulate/engine.js';
import { generatePaperTrace, paperHosts } from '../../scheduler/simulate/generate.js';
import { parseSimulationHosts } from '../../scheduler/simulate/hosts.js';
import { SimulationInputError } from '../../scheduler/simulate/input.js';
import { PLOT_HEIGHT, PLOT_WIDTH, renderPlot } from '../../scheduler/simulate/plot.js';
import { PngUnavailableError, chromiumMissing, writePng } from '../../scheduler/simulate/png.js';
import { formatTrace, parseTrace } from '../../scheduler/simulate/trace.js';
import type { HostCapacity, PlacementPolicy, QueuePolicy } from '../../scheduler/types.js';
import type { ZoeClient } from '../client.js';
import { CliError } from '../errors.js';
import { bytes, printJson, table } from '../output.js';

const QUEUE_POLICIES: readonly QueuePolicy[] = ['FIFO', 'SIZE', 'DYNSIZE'];
const PLACEMENTS: readonly PlacementPolicy[] = ['spread', 'pack', 'random'];
const ELASTIC_MODELS: readonly ElasticModel[] = ['linear', 'fixed'];

interface SimulateOptions {
  trace: string;
  hosts: string;
  policy: string;
  placement: string;
  elastic: string;
  seed: string;
  backfillLimit?: string;
  json?: boolean;
  plot?: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
}

function parseFile<T>(file: string, parse: (text: string) => T): T {
  const text = readText(file);
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof SimulationInputError) throw new CliError(`${file}: ${error.message}`, 2);
    throw error;
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) throw new CliError(`unknown ${what} ${JSON.stringify(value)}: use ${allowed.join(', ')}`, 2);
  return found;
}

function integerOption(value: string, what: string, min: number): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < min) throw new CliError(`${what} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`, 2);
  return number;
}

/** Seconds for people: 45.2s, 12m 05s, 3h 04m. */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Number(seconds.toFixed(1))}s`;
  const minutes = Math.floor(seconds / 60);
  if (seconds < 2 * 3600) return `${minutes}m ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes - hours * 60).padStart(2, '0')}m`;
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** The figures of each policy as a table, one column per policy. */
export function resultTable(summaries: readonly PolicySummary[]): string {
  const rows: [string, (s: PolicySummary) => string][] = [
    ['turnaround mean', (s) => formatDuration(s.turnaround.mean)],
    ['turnaround median', (s) => formatDuration(s.turnaround.median)],
    ['turnaround p95', (s) => formatDuration(s.turnaround.p95)],
    ['queue wait mean', (s) => formatDuration(s.wait.mean)],
    ['queue wait median', (s) => formatDuration(s.wait.median)],
    ['queue wait p95', (s) => formatDuration(s.wait.p95)],
    ['makespan', (s) => formatDuration(s.makespan)],
    ['utilisation cores', (s) => percent(s.utilisation.cores)],
    ['utilisation memory', (s) => percent(s.utilisation.memory)],
    ['elastic shrinks', (s) => String(s.shrinks)],
    ['scheduling passes', (s) => String(s.passes)],
  ];
  return table(['metric', ...summaries.map((s) => s.policy)], rows.map(([label, cell]) => [label, ...summaries.map(cell)]));
}

function describeRefused(refused: readonly RefusedExecution[]): string {
  const shown = refused.slice(0, 5).map((r) => `  line ${r.line} (execution ${r.id}): ${r.reason}`);
  const more = refused.length > shown.length ? [`  … and ${refused.length - shown.length} more`] : [];
  return [`warning: ${refused.length} execution${refused.length === 1 ? '' : 's'} can never fit on these hosts and ${refused.length === 1 ? 'is' : 'are'} left out of the figures:`, ...shown, ...more].join('\n');
}

function runSimulate(opts: SimulateOptions): void {
  const policies = [...new Set(opts.policy.split(',').map((p) => oneOf(p, QUEUE_POLICIES, 'queue policy')))];
  const placement = oneOf(opts.placement, PLACEMENTS, 'placement policy');
  const elasticModel = oneOf(opts.elastic, ELASTIC_MODELS, 'elastic model');
  const seed = integerOption(opts.seed, '--seed', 0);
  const backfillLimit = opts.backfillLimit === undefined ? undefined : integerOption(opts.backfillLimit, '--backfill-limit', 0);
  const plotFormat = opts.plot === undefined ? undefined : extname(opts.plot).toLowerCase();
  if (plotFormat !== undefined && plotFormat !== '.svg' && plotFormat !== '.png') {
    throw new CliError(`--plot ${opts.plot}: the file name must end in .svg or .png`, 2);
  }
  if (plotFormat === '.png') {
    // Fail before a long simulation, not after it.
    const missing = chromiumMissing();
    if (missing !== undefined) throw new CliError(missing, 2);
  }
  const trace = parseFile(opts.trace, parseTrace);
  const hosts = parseFile(opts.hosts, parseSimulationHosts);

  const results: SimulationResult[] = policies.map((policy) => simulate(trace, hosts, {
    policy, placement, elasticModel, seed, ...(backfillLimit === undefined ? {} : { backfillLimit }),
  }));
  const refused = results[0]?.refused ?? [];
  if (refused.length === trace.length) {
    throw new CliError(`${opts.trace}: no execution of the trace can ever fit on these hosts (${refused[0]?.reason ?? ''})`, 2);
  }
  const summaries = results.map((result) => result.summary);
  const pool = describePool(hosts);
  if (refused.length > 0) process.stderr.write(`${describeRefused(refused)}\n`);

  if (opts.plot !== undefined) {
    const svg = renderPlot({
      title: `Zoe scheduler simulation: ${basename(opts.trace)}`,
      subtitle: `${plural(trace.length - refused.length, 'execution')} on ${plural(hosts.length, 'host')} (${pool.cores} cores, ${bytes(pool.memory)}) · placement ${placement} · elastic model ${elasticModel} · seed ${seed}`,
      series: results.map((result) => ({ summary: result.summary, turnarounds: result.outcomes.map((o) => o.turnaround) })),
    });
    try {
      if (plotFormat === '.png') writePng(svg, PLOT_WIDTH, PLOT_HEIGHT, opts.plot);
      else writeFileSync(opts.plot, svg);
    } catch (error) {
      if (error instanceof PngUnavailableError) throw new CliError(error.message, 2);
      throw new CliError(`cannot write ${opts.plot}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
    }
  }

  if (opts.json) {
    printJson({
      trace: { file: opts.trace, executions: trace.length, refused },
      hosts: { file: opts.hosts, count: hosts.length, cores: pool.cores, memory: pool.memory },
      placement, elasticModel, seed,
      results: summaries,
    });
    return;
  }
  console.log(`${opts.trace}: ${plural(trace.length, 'execution')}${refused.length > 0 ? ` (${refused.length} refused)` : ''} · ${plural(hosts.length, 'host')}, ${pool.cores} cores, ${bytes(pool.memory)} · placement ${placement} · elastic model ${elasticModel} · seed ${seed}\n`);
  console.log(resultTable(summaries));
  if (opts.plot !== undefined) console.log(`\nplot written to ${opts.plot}`);
}


function describePool(hosts: readonly HostCapacity[]): { cores: number; memory: number } {
  return { cores: hosts.reduce((sum, h) => sum + h.cores, 0), memory: hosts.reduce((sum, h) => sum + h.memory, 0) };
}

export function registerSimulateCommands(program: Command, _client: () => ZoeClient): void {
  program.command('simulate')
    .description('replay a workload trace through the scheduler offline and compare queue policies (no server needed)')
    .requiredOption('--trace <file>', 'trace: JSON Lines, one execution per line (see scheduler/simulate/README.md)')
    .requiredOption('--hosts <file>', 'hosts: JSON [{name, cores, memory, labels}] or the INI host file with cores and memory')
    .option('--policy <list>', 'queue policies to compare, comma-separated', 'FIFO,SIZE,DYNSIZE')
    .option('--placement <policy>', 'placement policy: spread, pack or random', 'spread')
    .option('--elastic <model>', 'elastic model: linear (elastic instances speed an execution up) or fixed', 'linear')
    .option('--seed <n>', 'seed of the random placement policy', '1')
    .option('--backfill-limit <n>', 'executions that may pass a blocked head (default: the scheduler\'s)')
    .option('--json', 'print the figures as JSON')
    .option('--plot <file>', 'draw a comparison chart: .svg, or .png (needs Chromium)')
    .action((opts: SimulateOptions) => runSimulate(opts));

  program.command('simulate-trace')
    .description('write a deterministic trace shaped like the Zoe scheduling paper\'s workload (80% elastic batch, 20% rigid)')
    .option('--executions <n>', 'number of executions', '4000')
    .option('--seed <n>', 'seed: the same seed gives the same trace', '1')
    .option('--load <x>', 'offered load against 25 × 32 cores (above 1 the queue grows without bound)', '0.9')
    .option('--out <file>', 'write the trace here instead of standard output')
    .option('--hosts-out <file>', 'also write the paper\'s 25 hosts (32 cores, 128 GiB each) as JSON')
    .action((opts: { executions: string; seed: string; load: string; out?: string; hostsOut?: string }) => {
      const executions = integerOption(opts.executions, '--executions', 1);
      const seed = integerOption(opts.seed, '--seed', 0);
      const load = Number(opts.load);
      if (!(load > 0) || !Number.isFinite(load)) throw new CliError(`--load must be a positive number, got ${JSON.stringify(opts.load)}`, 2);
      const text = formatTrace(generatePaperTrace({ executions, seed, load }));
      const write = (file: string, content: string) => {
        try {
          writeFileSync(file, content);
        } catch (error) {
          throw new CliError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
        }
      };
      if (opts.hostsOut !== undefined) {
        write(opts.hostsOut, `[\n${paperHosts().map(({ name, cores, memory, labels }) => `  ${JSON.stringify({ name, cores, memory: `${memory / 1024 ** 3}GiB`, labels })}`).join(',\n')}\n]\n`);
      }
      if (opts.out !== undefined) write(opts.out, text);
      else process.stdout.write(text);
    });
}
