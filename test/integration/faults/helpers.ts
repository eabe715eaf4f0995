// What the fault tests share: small ZApps on the local busybox image, reads of the records
// straight from PostgreSQL (they must work while the API is down), bounded waits, and the
// container checks every fault test ends with: none orphaned, none duplicated.
import assert from 'node:assert/strict';
import type { Caller } from '../../helpers/api.js';
import type { ProcessStack } from '../../helpers/processes.js';

export const MiB = 1024 ** 2;
/** No fault test file may hang: each fails after this long, whatever it waits for. */
export const SUITE_TIMEOUT_MS = 180_000;
export const FINAL = (status: string): boolean => status === 'terminated' || status === 'error';

export function service(name: string, order: number, command: string, extra: Record<string, unknown> = {}) {
  return {
    name, image: 'zoe-local/busybox:1', monitor: order === 0, startup_order: order, essential_count: 1, total_count: 1,
    resources: { memory: { min: 16 * MiB, max: 16 * MiB }, cores: { min: 0.1, max: 0.1 } },
    ports: [], environment: [], volumes: [], command, ...extra,
  };
}

export const zapp = (name: string, services: unknown[]) => ({ name, version: 3, will_end: false, size: 1, services });

export async function submit(call: Caller, application: unknown, name = 'fault'): Promise<number> {
  const reply = await call('POST', '/execution', { name, application });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return (reply.body as { execution_id: number }).execution_id;
}

export async function kill(call: Caller, id: number): Promise<void> {
  const reply = await call('DELETE', `/execution/${id}`);
  assert.equal(reply.status, 204, JSON.stringify(reply.body));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined; fails with `what` after the timeout. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export interface ExecutionRecord {
  status: string;
  error_message: string | null;
}

/** The execution's row, read from PostgreSQL (works while the API is down). */
export async function record(stack: ProcessStack, id: number): Promise<ExecutionRecord> {
  const rows = await stack.pool.query<ExecutionRecord>('SELECT status, error_message FROM execution WHERE id = $1', [id]);
  assert.ok(rows.rows[0], `execution ${id} has a row`);
  return rows.rows[0];
}

/** Waits until the execution's recorded status satisfies `until`; returns the row. */
export function waitForRecord(stack: ProcessStack, id: number, until: (status: string) => boolean, timeoutMs: number, intervalMs = 100): Promise<ExecutionRecord> {
  let last = '';
  return waitFor(`execution ${id} to reach the expected status`, async () => {
    const row = await record(stack, id);
    last = row.status;
    return until(row.status) ? row : undefined;
  }, timeoutMs, intervalMs).catch((error: Error) => {
    throw new Error(`${error.message} (last status: ${last})`);
  });
}

/** The recorded status changes of an execution, in order. */
export async function statusHistory(stack: ProcessStack, id: number): Promise<string[]> {
  const rows = await stack.pool.query<{ status: string }>(
    'SELECT status FROM execution_event WHERE execution_id = $1 AND status IS NOT NULL ORDER BY seq', [id]);
  return rows.rows.map((r) => r.status);
}

/** Exactly one container per expected instance, all running: none missing, none duplicated. */
export async function assertOneRunningContainerEach(stack: ProcessStack, id: number, instances: string[]): Promise<string[]> {
  const containers = await stack.containers(id);
  const names = containers.map((c) => c.Labels.zoe_service_name ?? '?').sort();
  assert.deepEqual(names, [...instances].sort(), `execution ${id}: one container per instance`);
  for (const c of containers) assert.equal(c.State, 'running', `${c.Labels.zoe_service_name} is running`);
  return containers.map((c) => c.Id).sort();
}

/** No container and no network of the deployment is left (nothing orphaned). */
export async function assertNothingLeft(stack: ProcessStack, id?: number): Promise<void> {
  const containers = await stack.containers(id);
  assert.deepEqual(containers.map((c) => c.Names[0]), [], 'no container left behind');
  const filter = { label: [`zoe_deployment_name=${stack.deployment}`, ...(id === undefined ? [] : [`zoe_execution_id=${id}`])] };
  const networks = await stack.docker.listNetworks({ filters: filter });
  assert.deepEqual(networks.map((n) => n.Name), [], 'no network left behind');
}

/** Milliseconds since `start`, rounded to 0.1 s, for the measured figures the tests print. */
export const seconds = (start: number): string => `${((Date.now() - start) / 1000).toFixed(1)} s`;
