// Summary statistics of a simulation run.

export interface Distribution {
  mean: number;
  median: number;
  p95: number;
}

/**
 * The p-quantile (0 ≤ p ≤ 1) of sorted values by linear interpolation between closest ranks
 * (numpy's default): h = (n − 1)·p, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌈h⌉] − x[⌊h⌋]). 0 for no values.
 */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.ceil(h);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (h - low) * (b - a);
}

/** Mean, median and 95th percentile; all 0 for no values. */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { mean: 0, median: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { mean, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
}
