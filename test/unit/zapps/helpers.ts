// Shared fixtures for the ZApp tests: where the reference ZApps live, the limits they are checked
// against, a small valid ZApp to mutate, and a deep freeze to prove the code under test never writes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AdminLimits } from '../../../zapps/validate.js';

/** `../shared/reference` seen from the repository root. */
export const referenceDir = fileURLToPath(new URL('../../../../shared/reference/', import.meta.url));
export const shopDir = `${referenceDir}zoe-zapp-shop`;

export const GiB = 1024 ** 3;
export const limits: AdminLimits = { maxMemoryBytes: 64 * GiB, maxCores: 16 };

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Freezes every object and array reachable from `value` (cycles included) and returns it.
 * Iterative, because the mutation tests build values nested deeper than the call stack.
 */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    pending.push(...(Object.values(node) as unknown[]));
    Object.freeze(node);
  }
  return value;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A small valid ZApp: a master and two workers that find it by DNS name. */
export function baseZApp(): { [key: string]: Json } {
  return {
    name: 'spark-test',
    version: 3,
    will_end: false,
    size: 512,
    services: [
      {
        name: 'master',
        image: 'zapps/spark-master:10396',
        monitor: true,
        startup_order: 0,
        essential_count: 1,
        total_count: 1,
        resources: { memory: { min: GiB, max: GiB }, cores: { min: 1, max: 1 } },
        ports: [{ name: 'Web UI', port_number: 8080, protocol: 'tcp', url_template: 'http://{ip_port}{proxy_path}', proxy: true }],
        environment: [['MASTER_HOST', '{dns_name#self}'], ['OWNER', '{user_name}']],
        volumes: [{ name: 'data', path: '/srv/data', read_only: true }],
        command: null,
      },
      {
        name: 'worker',
        image: 'zapps/spark-worker:10396',
        monitor: false,
        startup_order: 1,
        essential_count: 1,
        total_count: 3,
        resources: { memory: { min: 2 * GiB, max: null }, cores: { min: null, max: null }, shm: 65536 },
        ports: [],
        environment: [['SPARK_MASTER', 'spark://{dns_name#master0}:7077'], ['LITERAL', '{{not a variable}}']],
        volumes: [],
        command: '/opt/start-worker.sh',
        work_dir: '/opt',
        labels: ['gpu'],
        network: 'zoe',
      },
    ],
  };
}
