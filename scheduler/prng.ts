// A tiny seeded PRNG so "random" placement is reproducible: the same seed gives the same draws
// in the workflow, on replay, and in the offline simulator.

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: 32-bit state, period 2^32, good enough for spreading containers. The seed is taken
 * modulo 2^32 (fractional parts dropped), so any JSON number is a valid seed.
 */
export function mulberry32(seed: number): Random {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, bound); `bound` must be a positive integer. */
export function randomIndex(random: Random, bound: number): number {
  return Math.min(bound - 1, Math.floor(random() * bound));
}
