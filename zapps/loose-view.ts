// A forgiving read of a description that may not match the schema. The semantic rules run on
// this view so that one pass reports structural and semantic problems together: each rule only
// looks at the fields that are well typed, and a mistyped field is left to the schema's report
// (so nothing is reported twice). Pure code; reads only, never writes.

export interface LoosePort {
  index: number;
  portNumber?: number;
  protocol?: string;
  urlTemplate?: string;
}

export interface LooseEnvPair {
  index: number;
  name?: string;
  value?: string;
}

export interface LooseService {
  index: number;
  name?: string;
  monitor?: boolean;
  image?: string;
  /** Valid counts only (integers ≥ 1); otherwise the schema reports them. */
  essentialCount?: number;
  totalCount?: number;
  memoryMin?: number;
  coresMin?: number;
  ports: LoosePort[];
  environment: LooseEnvPair[];
  volumeNames: { index: number; name: string }[];
}

export interface LooseZApp {
  /** Undefined when `services` is not an array: the schema reports it. */
  services?: LooseService[];
}

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function get(value: unknown, key: string): unknown {
  return isDict(value) ? value[key] : undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function finiteOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function countOr(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 1 ? (value as number) : undefined;
}

function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function looseView(input: unknown): LooseZApp {
  const services = get(input, 'services');
  if (!Array.isArray(services)) return {};
  return { services: services.map(looseService) };
}

function looseService(raw: unknown, index: number): LooseService {
  const resources = get(raw, 'resources');
  const monitor = get(raw, 'monitor');
  return {
    index,
    name: stringOr(get(raw, 'name')),
    monitor: typeof monitor === 'boolean' ? monitor : undefined,
    image: stringOr(get(raw, 'image')),
    essentialCount: countOr(get(raw, 'essential_count')),
    totalCount: countOr(get(raw, 'total_count')),
    memoryMin: finiteOr(get(get(resources, 'memory'), 'min')),
    coresMin: finiteOr(get(get(resources, 'cores'), 'min')),
    ports: items(get(raw, 'ports')).map((port, portIndex) => ({
      index: portIndex,
      portNumber: finiteOr(get(port, 'port_number')),
      protocol: stringOr(get(port, 'protocol')),
      urlTemplate: stringOr(get(port, 'url_template')),
    })),
    environment: items(get(raw, 'environment')).map((pair, pairIndex) => ({
      index: pairIndex,
      name: Array.isArray(pair) ? stringOr(pair[0]) : undefined,
      value: Array.isArray(pair) ? stringOr(pair[1]) : undefined,
    })),
    volumeNames: items(get(raw, 'volumes')).flatMap((volume, volumeIndex) => {
      const name = stringOr(get(volume, 'name'));
      return name === undefined ? [] : [{ index: volumeIndex, name }];
    }),
  };
}
