// The scheduler workflow's input: its policy and tuning, and the state carried across
// continue-as-new.
import type { PlacementPolicy, QueuePolicy } from '../../scheduler/types.js';
import type { PackedCarry } from './carry.js';

export interface SchedulerInput {
  deployment: string;
  policy: { queue: QueuePolicy; placement: PlacementPolicy };
  /** How often host capacities are re-read when nothing asks for it (default 60 s). */
  hostRefreshMs?: number;
  /** How long a host may not answer before it is declared lost (default 5 min). */
  hostLossGraceMs?: number;
  /** Continue as new once the history has this many events (default 4,000). */
  historyLimit?: number;
  /** Carried across continue-as-new. */
  carried?: PackedCarry;
}
