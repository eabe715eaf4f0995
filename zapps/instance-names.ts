// Instance names are `<service name><n>` for n = 0..total_count-1, and they must be unique within
// an execution because they become DNS names. Services "web" (12 instances: web0..web11) and
// "web1" (web10) would both produce "web10". These checks work on names and counts directly, never
// by listing instances, so a total_count of a billion costs nothing. Pure code.

export interface NamedCount {
  name: string;
  /** Undefined when the count is not valid (the schema reports it): assume any n is possible. */
  totalCount?: number;
}

export function instanceName(service: string, n: number): string {
  return `${service}${n}`;
}

const canonicalNumber = /^(?:0|[1-9][0-9]*)$/;

/**
 * The first instance name that both services would produce, or undefined. Only when one name is
 * the other plus digits `r` (no leading zero) can they meet: the shorter service's instance
 * `r * 10 + 0` equals the longer service's instance 0, and that is the smallest such meeting point.
 */
export function sharedInstanceName(a: NamedCount, b: NamedCount): string | undefined {
  const [short, long] = a.name.length <= b.name.length ? [a, b] : [b, a];
  if (short.name === long.name || !long.name.startsWith(short.name)) return undefined;
  const digits = long.name.slice(short.name.length);
  if (!canonicalNumber.test(digits) || digits === '0') return undefined;
  const n = Number(digits) * 10;
  if (short.totalCount !== undefined && n >= short.totalCount) return undefined;
  return instanceName(long.name, 0);
}

/** Whether `instance` is one of the instances the services (by name) would produce. */
export function instanceExists(instance: string, servicesByName: ReadonlyMap<string, NamedCount>): boolean {
  for (let split = 1; split < instance.length; split += 1) {
    const service = servicesByName.get(instance.slice(0, split));
    const digits = instance.slice(split);
    if (service === undefined || !canonicalNumber.test(digits)) continue;
    if (service.totalCount === undefined || Number(digits) < service.totalCount) return true;
  }
  return false;
}
