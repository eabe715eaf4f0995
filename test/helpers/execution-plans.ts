// Builders of execution workflow inputs for the tests of the execution's program (unit) and of the
// workflow itself with stub activities (integration): plans as executions/plan.ts makes them,
// placements as the scheduler sends them, exits as the back-end reports them.
import type { ExitReport } from '../../backends/contract.js';
import type { ExecutionInput } from '../../model/execution.js';
import type { InstancePlan } from '../../model/instance.js';
import type { Placement } from '../../scheduler/types.js';

const MiB = 1024 ** 2;

export interface PlanOptions {
  essential?: boolean;
  startupOrder?: number;
  /** TCP ports the instance declares: the next startup group waits for them. */
  ports?: number[];
  image?: string;
}

let nextServiceId = 1;

export function plan(instance: string, options: PlanOptions = {}): InstancePlan {
  return {
    serviceId: nextServiceId++, instance, service: instance.replace(/\d+$/, ''),
    essential: options.essential ?? true, monitor: false, startupOrder: options.startupOrder ?? 0,
    memory: 16 * MiB, cores: 0.1, labels: [],
    container: {
      image: options.image ?? 'zoe-local/busybox:1', command: 'sleep 3600', workDir: undefined, environment: [],
      ports: (options.ports ?? []).map((port) => ({ internalName: `${port}/tcp`, port, protocol: 'tcp' as const })),
      volumes: [], shmBytes: undefined, dnsName: `${instance}-test`,
    },
  };
}

export const elasticPlan = (instance: string, options: Omit<PlanOptions, 'essential'> = {}): InstancePlan =>
  plan(instance, { ...options, essential: false });

export function executionInput(
  executionId: number, instances: InstancePlan[], options: { deployment?: string; runtimeLimitMs?: number } = {},
): ExecutionInput {
  return {
    executionId, deployment: options.deployment ?? 'unit', name: `execution ${executionId}`, zappName: 'test-zapp', size: 1,
    owner: { id: 1, username: 'alice' }, instances, runtimeLimitMs: options.runtimeLimitMs ?? 0, submittedAt: 1_000,
  };
}

/** The placement of `instance` on `host`, as the scheduler's messages carry it. */
export function placement(executionId: number, instance: InstancePlan, host: string): Placement {
  return { executionId, instance: instance.instance, host, memory: instance.memory, cores: instance.cores, essential: instance.essential };
}

/** An exit as the back-end reports it: the description names the service as essential, as Docker's does. */
export function exitOf(instance: string, exitCode: number, oomKilled = false): ExitReport {
  const description = `essential service ${instance} exited with code ${exitCode}${oomKilled ? ' (killed: out of memory; raise its memory reservation)' : ''}`;
  return { instance, exitCode, oomKilled, description };
}
