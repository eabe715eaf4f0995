// Builders for simulator tests: traces written as the JSON Lines a user would write.
import { parseSimulationHosts } from '../../../scheduler/simulate/hosts.js';
import { parseTrace, type TraceExecution } from '../../../scheduler/simulate/trace.js';
import type { HostCapacity } from '../../../scheduler/types.js';

export const GiB = 1024 ** 3;

export interface ServiceLine {
  name: string;
  cores: number;
  memory: number | string;
  essential: number;
  elastic?: number;
  labels?: string[];
}

export interface ExecutionLine {
  id?: number;
  arrival: number;
  runningTime: number;
  size?: number;
  services: ServiceLine[];
}

/** One essential service `main` of `cores` cores and `memoryGiB` GiB, plus `elastic` elastic `worker`s of `elasticCores` each. */
export function job(arrival: number, runningTime: number, cores: number, extra: Partial<ExecutionLine> & { memoryGiB?: number; elastic?: number; elasticCores?: number } = {}): ExecutionLine {
  const { memoryGiB = 1, elastic = 0, elasticCores = 1, ...rest } = extra;
  const services: ServiceLine[] = [{ name: 'main', cores, memory: `${memoryGiB}GiB`, essential: 1 }];
  if (elastic > 0) services.push({ name: 'worker', cores: elasticCores, memory: '1GiB', essential: 0, elastic });
  return { arrival, runningTime, services, ...rest };
}

export function jsonLines(executions: readonly ExecutionLine[]): string {
  return `${executions.map((execution) => JSON.stringify(execution)).join('\n')}\n`;
}

export function trace(executions: readonly ExecutionLine[]): TraceExecution[] {
  return parseTrace(jsonLines(executions));
}

export function hosts(list: readonly { name: string; cores: number; memoryGiB: number; labels?: string[] }[]): HostCapacity[] {
  return parseSimulationHosts(JSON.stringify(list.map(({ name, cores, memoryGiB, labels }) => ({ name, cores, memory: `${memoryGiB}GiB`, labels: labels ?? [] }))));
}
