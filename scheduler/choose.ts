// Placement policies: which of the hosts an instance fits on receives it.
import { randomIndex, type Random } from './prng.js';
import { toMillicores, type HostState } from './pool.js';
import type { InstanceRequest, PlacementPolicy } from './types.js';

/**
 * A host chooser. `spread`, `pack` and `random` are the user-facing policies; `best-fit` is the
 * fallback `decide` and `checkFeasible` use when a policy's choices leave a gang unplaced.
 */
export type Chooser = PlacementPolicy | 'best-fit';

/** Share of the host's memory in use, 0 for a host with no memory. */
function memoryLoad(host: HostState): number {
  return host.totalMemory > 0 ? (host.totalMemory - host.freeMemory) / host.totalMemory : 0;
}

type Key = (host: HostState) => number[];

function lexicographic(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function minimumBy(candidates: readonly HostState[], key: Key): HostState {
  let best = candidates[0] as HostState;
  let bestKey = key(best);
  for (let i = 1; i < candidates.length; i += 1) {
    const candidate = candidates[i] as HostState;
    const candidateKey = key(candidate);
    if (lexicographic(candidateKey, bestKey) < 0) {
      best = candidate;
      bestKey = candidateKey;
    }
  }
  return best;
}

/**
 * Picks one of `candidates` (non-empty, all of which fit):
 * - `spread` (Zoe's "average"): fewest labels, then fewest containers, then lowest memory load;
 * - `pack` (Zoe's "waterfill"): fewest labels, then most containers, then highest memory load;
 *   fewest labels first keeps special hosts (gpu, ssd) free for the work that needs them;
 * - `random`: uniform among the candidates, one draw from `random`;
 * - `best-fit`: least memory left after the placement, then fewest cores left (capacity an
 *   elastic placement holds counts as free here).
 * Remaining ties go to the host listed first. Only `random` draws from `random`.
 */
export function chooseHost(
  chooser: Chooser,
  candidates: readonly HostState[],
  instance: InstanceRequest,
  random: Random,
): HostState {
  switch (chooser) {
    case 'spread':
      return minimumBy(candidates, (h) => [h.labels.size, h.containers, memoryLoad(h), h.index]);
    case 'pack':
      return minimumBy(candidates, (h) => [h.labels.size, -h.containers, -memoryLoad(h), h.index]);
    case 'random':
      return candidates[randomIndex(random, candidates.length)] as HostState;
    case 'best-fit':
      return minimumBy(candidates, (h) => [
        h.freeMemory + h.elasticMemory - instance.memory,
        h.freeMillicores + h.elasticMillicores - toMillicores(instance.cores),
        h.index,
      ]);
  }
}
