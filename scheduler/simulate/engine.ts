// The trace simulator: an event-driven replay of a trace through the scheduler's own `decide`,
// in virtual time. See README.md beside this file for the model and the metrics.
import { decide } from '../decide.js';
import { checkFeasible } from '../feasibility.js';
import type { ExecutionRequest, HeadBypass, HostCapacity, Placement, PlacementPolicy, QueuePolicy } from '../types.js';
import { DISABLED_LABEL } from '../pool.js';
import { distribution, type Distribution } from './metrics.js';
import { toRequest, type TraceExecution } from './trace.js';

/**
 * How granted elastic instances affect running time.
 * - `linear`: `runningTime` is the time with the essential instances only; while elastic
 *   instances run, the execution progresses faster, at rate 1 + (cores of its running elastic
 *   instances) / (cores of its essential instances) (instance counts instead of cores when the
 *   essential instances reserve no cores). A shrink slows it down again.
 * - `fixed`: every execution runs exactly `runningTime` from its admission, whatever it is granted.
 */
export type ElasticModel = 'linear' | 'fixed';

export interface SimulationOptions {
  policy: QueuePolicy;
  placement?: PlacementPolicy;
  elasticModel?: ElasticModel;
  /** Seeds the `random` placement policy (each pass gets its own seed derived from it). Default 1. */
  seed?: number;
  backfillLimit?: number;
  dynsizeAgeing?: number;
}

/** What happened to one execution, in seconds of virtual time. */
export interface ExecutionOutcome {
  id: number;
  arrival: number;
  admittedAt: number;
  finishedAt: number;
  /** admittedAt − arrival. */
  wait: number;
  /** finishedAt − arrival. */
  turnaround: number;
}

/** An execution that could never fit on the hosts, even empty: left out of every metric. */
export interface RefusedExecution {
  id: number;
  line: number;
  reason: string;
}

export interface PolicySummary {
  policy: QueuePolicy;
  placement: PlacementPolicy;
  elasticModel: ElasticModel;
  /** Executions simulated to completion (the trace minus the refused ones). */
  completed: number;
  refused: number;
  /** Seconds from arrival to completion. */
  turnaround: Distribution;
  /** Seconds from arrival to admission (essential instances placed). */
  wait: Distribution;
  /** Seconds from the first arrival to the last completion. */
  makespan: number;
  /** Time-weighted reserved capacity over the capacity of the hosts not labelled `disabled`, during the makespan (0..1). */
  utilisation: { cores: number; memory: number };
  /** Elastic instances stopped to make room for another execution's essential instances. */
  shrinks: number;
  /** Calls of `decide`. */
  passes: number;
}

export interface SimulationResult {
  summary: PolicySummary;
  /** Completed executions, in order of arrival. */
  outcomes: ExecutionOutcome[];
  refused: RefusedExecution[];
}

interface Active {
  execution: TraceExecution;
  request: ExecutionRequest;
  /** Essential capacity (cores, or instance count when they reserve no cores) and weight per elastic instance. */
  essentialWeight: number;
  elasticWeight: (placement: Placement) => number;
  placed: Map<string, Placement>;
  admittedAt?: number;
  /** Work left in seconds-at-rate-1, as of `since`. */
  remaining: number;
  rate: number;
  since: number;
  finishAt: number;
}

const key = (executionId: number, instance: string): string => `${executionId}/${instance}`;

/** Two events closer than this (relative) happen at the same instant: floating-point noise of rate changes. */
const SAME_INSTANT = 1e-9;

/**
 * Replays `trace` on `hosts` under one queue policy. Deterministic: the same trace, hosts and
 * options give the same result. Events: arrivals (from the trace) and completions (computed);
 * after the events of one instant are applied, one scheduling pass runs, exactly as the scheduler
 * workflow runs one pass per change. Executions are queued in arrival order (ties: trace order).
 * An execution whose essential set could not fit even on the empty pool is refused on arrival
 * (as the workflow refuses it at submit) and left out of the metrics.
 */
export function simulate(trace: readonly TraceExecution[], hosts: readonly HostCapacity[], options: SimulationOptions): SimulationResult {
  const placementPolicy = options.placement ?? 'spread';
  const elasticModel = options.elasticModel ?? 'linear';
  const seed = options.seed ?? 1;
  const policy = {
    queue: options.policy, placement: placementPolicy,
    ...(options.backfillLimit === undefined ? {} : { backfillLimit: options.backfillLimit }),
    ...(options.dynsizeAgeing === undefined ? {} : { dynsizeAgeing: options.dynsizeAgeing }),
  };
  const hostList = hosts.map((host) => ({ ...host, labels: [...host.labels], online: true }));
  const usable = hostList.filter((host) => !host.labels.includes(DISABLED_LABEL));
  const capacityCores = usable.reduce((sum, host) => sum + host.cores, 0);
  const capacityMemory = usable.reduce((sum, host) => sum + host.memory, 0);

  const arrivals = trace.map((execution, index) => ({ execution, index }))
    .sort((a, b) => (a.execution.arrival - b.execution.arrival) || (a.index - b.index))
    .map(({ execution }) => execution);
  const refused: RefusedExecution[] = [];
  const outcomes: ExecutionOutcome[] = [];
  let active: Active[] = [];
  const placements = new Map<string, Placement>();
  let headBypass: HeadBypass | null = null;
  let reservedCores = 0;
  let reservedMemory = 0;
  let coreSeconds = 0;
  let memorySeconds = 0;
  let shrinks = 0;
  let passes = 0;
  let next = 0;
  const start = arrivals[0]?.arrival ?? 0;
  let clock = start;

  const addPlacement = (placement: Placement): void => {
    placements.set(key(placement.executionId, placement.instance), placement);
    reservedCores += placement.cores;
    reservedMemory += placement.memory;
  };
  const removePlacement = (placement: Placement): void => {
    placements.delete(key(placement.executionId, placement.instance));
    reservedCores -= placement.cores;
    reservedMemory -= placement.memory;
  };
  /** Brings `remaining` up to `now`, then applies the rate the execution's current placements give. */
  const retime = (entry: Active, now: number): void => {
    entry.remaining = Math.max(0, entry.remaining - (now - entry.since) * entry.rate);
    entry.since = now;
    let elastic = 0;
    for (const placement of entry.placed.values()) if (!placement.essential) elastic += entry.elasticWeight(placement);
    entry.rate = elasticModel === 'linear' ? 1 + elastic / entry.essentialWeight : 1;
    entry.finishAt = now + entry.remaining / entry.rate;
  };

  while (next < arrivals.length || active.length > 0) {
    let now = arrivals[next]?.arrival ?? Infinity;
    for (const entry of active) if (entry.admittedAt !== undefined && entry.finishAt < now) now = entry.finishAt;
    if (now === Infinity) throw new Error('simulation stalled: executions wait but nothing runs or arrives');
    coreSeconds += reservedCores * (now - clock);
    memorySeconds += reservedMemory * (now - clock);
    clock = now;
    const instant = now + SAME_INSTANT * Math.max(1, Math.abs(now));

    active = active.filter((entry) => {
      if (entry.admittedAt === undefined || entry.finishAt > instant) return true;
      for (const placement of entry.placed.values()) removePlacement(placement);
      const { id, arrival } = entry.execution;
      outcomes.push({ id, arrival, admittedAt: entry.admittedAt, finishedAt: now, wait: entry.admittedAt - arrival, turnaround: now - arrival });
      return false;
    });
    while (next < arrivals.length && (arrivals[next]?.arrival ?? Infinity) <= instant) {
      const execution = arrivals[next] as TraceExecution;
      next += 1;
      const request = toRequest(execution);
      const verdict = checkFeasible(request, hostList);
      if (!verdict.feasible) {
        refused.push({ id: execution.id, line: execution.line, reason: verdict.reason });
        continue;
      }
      active.push(makeActive(execution, request));
    }

    const waiting = active.filter((entry) => entry.admittedAt === undefined || entry.placed.size < entry.request.instances.length);
    if (waiting.length === 0) continue;
    const decision = decide({
      hosts: hostList,
      queue: waiting.map((entry) => entry.request),
      placements: [...placements.values()],
      admitted: waiting.filter((entry) => entry.admittedAt !== undefined).map((entry) => entry.request.executionId),
      policy,
      now: now * 1000,
      seed: (seed + passes * 2654435761) >>> 0,
      headBypass,
    });
    passes += 1;
    headBypass = decision.headBypass;
    const byId = new Map(active.map((entry) => [entry.request.executionId, entry]));
    const changed = new Set<Active>();
    for (const placement of decision.shrink) {
      const entry = byId.get(placement.executionId);
      const held = entry?.placed.get(placement.instance);
      if (!entry || !held) throw new Error(`decide shrank ${key(placement.executionId, placement.instance)}, which is not placed`);
      entry.placed.delete(placement.instance);
      removePlacement(held);
      changed.add(entry);
      shrinks += 1;
    }
    for (const admission of decision.admit) {
      const entry = byId.get(admission.executionId);
      if (!entry || entry.admittedAt !== undefined) throw new Error(`decide admitted execution ${admission.executionId} twice`);
      entry.admittedAt = now;
      entry.since = now;
      for (const placement of admission.placements) {
        entry.placed.set(placement.instance, placement);
        addPlacement(placement);
      }
      changed.add(entry);
    }
    for (const placement of decision.grow) {
      const entry = byId.get(placement.executionId);
      if (!entry || entry.admittedAt === undefined) throw new Error(`decide grew execution ${placement.executionId} before admitting it`);
      entry.placed.set(placement.instance, placement);
      addPlacement(placement);
      changed.add(entry);
    }
    for (const entry of changed) retime(entry, now);
  }

  outcomes.sort((a, b) => (a.arrival - b.arrival) || (a.id - b.id));
  const end = outcomes.reduce((latest, outcome) => Math.max(latest, outcome.finishedAt), start);
  const span = end - start;
  return {
    summary: {
      policy: options.policy, placement: placementPolicy, elasticModel,
      completed: outcomes.length, refused: refused.length,
      turnaround: distribution(outcomes.map((outcome) => outcome.turnaround)),
      wait: distribution(outcomes.map((outcome) => outcome.wait)),
      makespan: span,
      utilisation: {
        cores: span > 0 && capacityCores > 0 ? coreSeconds / (capacityCores * span) : 0,
        memory: span > 0 && capacityMemory > 0 ? memorySeconds / (capacityMemory * span) : 0,
      },
      shrinks, passes,
    },
    outcomes, refused,
  };
}

function makeActive(execution: TraceExecution, request: ExecutionRequest): Active {
  const essentials = request.instances.filter((instance) => instance.essential);
  const essentialCores = essentials.reduce((sum, instance) => sum + instance.cores, 0);
  const byCores = essentialCores > 0;
  return {
    execution, request,
    essentialWeight: byCores ? essentialCores : essentials.length,
    elasticWeight: byCores ? (placement) => placement.cores : () => 1,
    placed: new Map(),
    remaining: execution.runningTime, rate: 1, since: execution.arrival, finishAt: Infinity,
  };
}
