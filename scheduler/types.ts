// The scheduler's vocabulary: plain JSON values only, because they travel in Temporal payloads
// and across continue-as-new (a Map or a class instance would not survive either).
import type { InstanceRequest } from '../model/instance.js';

export type { InstanceRequest } from '../model/instance.js';

/** One container host as the scheduler sees it: total capacity, never what is free. */
export interface HostCapacity {
  name: string;
  /** Bytes of memory the host offers to Zoe. */
  memory: number;
  /** Cores the host offers to Zoe (fractional allowed). */
  cores: number;
  labels: string[];
  /** False while the engine does not answer: the host receives no new work. */
  online: boolean;
}

/** An execution waiting for, or holding, resources. */
export interface ExecutionRequest {
  executionId: number;
  /** Arrival time, epoch milliseconds (FIFO order, DYNSIZE ageing). */
  submittedAt: number;
  /** The ZApp's `size` hint (SIZE policy). */
  size: number;
  instances: InstanceRequest[];
}

/** One instance placed on one host. */
export interface Placement {
  executionId: number;
  instance: string;
  host: string;
  memory: number;
  cores: number;
  essential: boolean;
}

export type QueuePolicy = 'FIFO' | 'SIZE' | 'DYNSIZE';
export type PlacementPolicy = 'spread' | 'pack' | 'random';

/** Tuning knobs are optional; their defaults are exported from `decide.ts`. */
export interface SchedulingPolicy {
  queue: QueuePolicy;
  placement: PlacementPolicy;
  /**
   * How many later executions may be admitted past one blocked head before the queue freezes
   * behind it (see `decide`). 0 restores Zoe's strict order: nothing passes a blocked head.
   */
  backfillLimit?: number;
  /**
   * DYNSIZE ageing rate in core·GiB per second of waiting. Default 0.25, which is Zoe's
   * "256 MiB × cores per second". 0 (or less) turns ageing off: DYNSIZE then orders by size only.
   */
  dynsizeAgeing?: number;
}

/**
 * Starvation guard carried from one `decide` call to the next (plain JSON). `executionId` is the
 * blocked head; `bypassed` counts the executions admitted past it so far.
 */
export interface HeadBypass {
  executionId: number;
  bypassed: number;
}

/** Everything one scheduling pass looks at. `decide` never mutates it. */
export interface DecideInput {
  hosts: HostCapacity[];
  /**
   * Executions waiting for admission or admitted but still missing elastic instances, in arrival
   * order (the array order is the arrival order: FIFO and every tie-break use it).
   */
  queue: ExecutionRequest[];
  /** Everything currently allocated, on every host, for every execution (queued or not). */
  placements: Placement[];
  /**
   * Ids of executions already admitted. Optional: an execution holding an essential placement
   * counts as admitted anyway; the list makes it explicit (and covers one with no placement left).
   */
  admitted?: number[];
  policy: SchedulingPolicy;
  /** Epoch milliseconds; used for DYNSIZE ageing only. */
  now: number;
  /** Seed of the PRNG behind the `random` placement policy. */
  seed: number;
  /** The `headBypass` returned by the previous decision; absent or null on the first pass. */
  headBypass?: HeadBypass | null;
}

/** Why an instance or an execution cannot be placed now, as data. */
export type Shortage =
  /** No host at all carries the labels. */
  | { kind: 'labels'; instance: string; labels: string[] }
  /** Hosts carry the labels but none of them takes work: offline or labelled `disabled`. */
  | { kind: 'hosts'; instance: string; labels: string[]; unusable: { host: string; state: 'offline' | 'disabled' }[] }
  /**
   * Usable hosts exist but none has room. `memory`/`cores` say which resource is short: the
   * instance needs more than the best host offers of it (both true: both are short; both false:
   * each is available somewhere, never together on one host). `best*` are the hosts offering the
   * most of each resource (null when no host is usable); capacity held by elastic instances counts
   * as free, since essentials may reclaim it. `placedBefore` counts the essential
   * instances of the same gang already tentatively placed when this one failed.
   */
  | {
      kind: 'capacity'; instance: string; memory: boolean; cores: boolean;
      needMemory: number; needCores: number;
      bestMemory: { host: string; free: number } | null;
      bestCores: { host: string; free: number } | null;
      placedBefore: number;
    }
  /** The execution would fit, but it is held back so the blocked head is not starved. */
  | { kind: 'held'; headExecutionId: number; backfillLimit: number }
  /** The request has no essential instance: it is malformed and is never admitted. */
  | { kind: 'invalid'; detail: string };

/** A waiting execution: where it stands and why it waits. */
export interface WaitingInfo {
  executionId: number;
  /** 1-based rank among the executions still waiting after this decision, in policy order. */
  position: number;
  /** One plain sentence, e.g. "needs 12 GiB memory for spark-worker0; largest free on any host: 4 GiB (host1)". */
  reason: string;
  short: Shortage;
  /** DYNSIZE only: the aged size (core·GiB) the queue was sorted by at `now`. */
  effectiveSize?: number;
}

/** What one scheduling pass decides. The workflow applies it; the simulator replays it. */
export interface Decision {
  /** Executions admitted now, with their complete essential set. Gang: never partial. */
  admit: { executionId: number; placements: Placement[] }[];
  /** New elastic placements for admitted executions (including those admitted now). */
  grow: Placement[];
  /** Running elastic placements to stop, to make room for another execution's essential set. */
  shrink: Placement[];
  /** Executions still waiting, in policy order. */
  waiting: WaitingInfo[];
  /** Every queued execution id in policy order (the statistics' `queue`). */
  order: number[];
  /** Carry into the next `decide` call. */
  headBypass: HeadBypass | null;
}
