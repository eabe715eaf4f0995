// A deterministic trace shaped like the workload of the Zoe scheduling paper (Pace et al., "Flexible
// Scheduling of Distributed Analytic Applications", CCGrid 2017): 80% elastic batch jobs (Spark
// style: a master and one essential worker, plus elastic workers), 20% rigid ones (MPI style:
// every worker essential), on 25 hosts × 32 cores × 128 GiB. The distributions below are ours,
// chosen to give that shape; the paper's own trace is not public.
import { mulberry32, type Random } from '../prng.js';
import type { HostCapacity } from '../types.js';
import type { TraceExecution, TraceService } from './trace.js';
import { GiB } from '../../model/units.js';


/** The paper's cluster: `count` hosts of 32 cores and 128 GiB, named host01, host02, … */
export function paperHosts(count = 25): HostCapacity[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `host${String(i + 1).padStart(2, '0')}`, cores: 32, memory: 128 * GiB, labels: [], online: true,
  }));
}

export interface PaperTraceOptions {
  executions: number;
  seed: number;
  /** Share of elastic batch jobs; default 0.8. */
  elasticShare?: number;
  /**
   * Offered load: work (core-seconds with the essential instances only, which under the linear
   * elastic model is also the work with any grant) over `capacityCores` × the arrival span.
   * Default 0.9; above 1 the queue grows without bound.
   */
  load?: number;
  /** Cores of the pool the load is computed against; default 25 × 32. */
  capacityCores?: number;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function integer(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** Log-normal with the given median and shape (Box–Muller from two uniform draws). */
function logNormal(random: Random, median: number, sigma: number): number {
  const u = 1 - random();
  const v = random();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * Generates the trace; the same options always give the same trace.
 * - Elastic batch job: `spark-master` (1 essential, 1 core, 4 GiB) and `spark-worker` (1
 *   essential, 4–24 elastic; 2 or 4 cores and 4 GiB per core each).
 * - Rigid job: `mpi-worker`, 2–12 essential, no elastic; 2, 4 or 8 cores and 2 or 4 GiB per core.
 * - Running time when fully granted: log-normal, median 15 min, σ = 1, clamped to 1 min – 6 h.
 *   For an elastic job the trace's `runningTime` (essential instances only) is that time ×
 *   (1 + elastic cores / essential cores), so that under the linear model a job granted every
 *   elastic worker from the start takes the drawn time.
 * - `size` (the SIZE policy's key): the job's work, essential cores × runningTime.
 * - Arrivals: a Poisson process whose rate gives the requested offered load.
 */
export function generatePaperTrace(options: PaperTraceOptions): Omit<TraceExecution, 'line'>[] {
  const random = mulberry32(options.seed);
  const elasticShare = options.elasticShare ?? 0.8;
  const load = options.load ?? 0.9;
  const capacityCores = options.capacityCores ?? 25 * 32;
  const jobs: { services: TraceService[]; runningTime: number; work: number }[] = [];
  for (let i = 0; i < options.executions; i += 1) {
    const elastic = random() < elasticShare;
    const fullTime = clamp(logNormal(random, 900, 1), 60, 6 * 3600);
    let services: TraceService[];
    if (elastic) {
      const workerCores = pick(random, [2, 4]);
      services = [
        { name: 'spark-master', cores: 1, memory: 4 * GiB, essential: 1, elastic: 0, labels: [] },
        { name: 'spark-worker', cores: workerCores, memory: workerCores * 4 * GiB, essential: 1, elastic: integer(random, 4, 24), labels: [] },
      ];
    } else {
      const cores = pick(random, [2, 4, 8]);
      services = [{ name: 'mpi-worker', cores, memory: cores * pick(random, [2, 4]) * GiB, essential: integer(random, 2, 12), elastic: 0, labels: [] }];
    }
    const essentialCores = services.reduce((sum, s) => sum + s.cores * s.essential, 0);
    const elasticCores = services.reduce((sum, s) => sum + s.cores * s.elastic, 0);
    const runningTime = Math.round(fullTime * (1 + elasticCores / essentialCores));
    jobs.push({ services, runningTime, work: runningTime * essentialCores });
  }
  const totalWork = jobs.reduce((sum, job) => sum + job.work, 0);
  const meanGap = jobs.length > 0 ? totalWork / (load * capacityCores) / jobs.length : 0;
  let clock = 0;
  return jobs.map((job, index) => {
    if (index > 0) clock += -Math.log(1 - random()) * meanGap;
    return {
      id: index + 1, arrival: Math.round(clock * 1000) / 1000, runningTime: job.runningTime,
      size: job.work, services: job.services,
    };
  });
}
