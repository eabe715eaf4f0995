// Units of memory, and how sizes are shown to people. Reservations are stored in bytes (the
// original's ZApp format) and cores as fractions of a core.
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

/** Cores reserved for a service that does not say (`resources.cores.min` null in the ZApp). */
export const DEFAULT_CORES = 0.1;

/** `12 GiB`, `1.5 GiB`, `512 MiB`, `100 B`. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= GiB) return `${round2(bytes / GiB)} GiB`;
  if (Math.abs(bytes) >= MiB) return `${round2(bytes / MiB)} MiB`;
  return `${bytes} B`;
}

/** `1 core`, `0.5 cores`, `2.125 cores`. */
export function formatCores(cores: number): string {
  const text = String(Math.round(cores * 1000) / 1000);
  return `${text} ${cores === 1 ? 'core' : 'cores'}`;
}

/** A number with at most two decimals, without trailing zeros: 2, 0.25, 1.33. */
export function round2(value: number): string {
  return String(Math.round(value * 100) / 100);
}
