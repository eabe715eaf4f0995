// Quota checks at submit (spec §6.4): concurrent executions, reserved cores and memory. 0 means
// unlimited. A refusal says which limit and by how much, and nothing is stored.
import type { Quota } from '../users/repository.js';
import type { InstanceSpec } from '../zapps/instances.js';
import { GiB } from '../model/units.js';

export interface Usage {
  executions: number;
  memory: number;
  cores: number;
}


/** Undefined when the new execution fits the quota; otherwise the reason. */
export function quotaRefusal(quota: Quota, usage: Usage, instances: InstanceSpec[], isGuest: boolean): string | undefined {
  const concurrent = isGuest ? 1 : quota.concurrent_executions;
  if (concurrent > 0 && usage.executions >= concurrent) {
    return `You cannot run more than ${concurrent} execution${concurrent === 1 ? '' : 's'} at a time (quota "${quota.name}"); terminate one first.`;
  }
  const memory = instances.reduce((sum, i) => sum + i.memory, 0);
  const cores = instances.reduce((sum, i) => sum + i.cores, 0);
  if (quota.memory > 0 && usage.memory + memory > quota.memory) {
    return `This execution reserves ${(memory / GiB).toFixed(2)} GiB of memory; with the ${(usage.memory / GiB).toFixed(2)} GiB your running executions reserve, that exceeds your quota of ${(quota.memory / GiB).toFixed(2)} GiB.`;
  }
  if (quota.cores > 0 && usage.cores + cores > quota.cores + 1e-9) {
    return `This execution reserves ${round(cores)} cores; with the ${round(usage.cores)} your running executions reserve, that exceeds your quota of ${quota.cores} cores.`;
  }
  return undefined;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
