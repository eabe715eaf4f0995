// Names derived from the deployment, the execution and the instance only: the same inputs always
// give the same name, which makes a retried start idempotent and lets reconciliation find
// everything Zoe owns. Every back-end, the workflows, the API and the CLI use these; none spells a
// name itself.

/** The original Zoe's unique name of an instance, also its DNS name: `<instance>-<execution>-<deployment>`. */
export function containerName(instance: string, executionId: number, deployment: string): string {
  return `${instance}-${executionId}-${deployment}`;
}

/** The network private to one execution: its containers find each other by DNS name there. */
export const executionNetworkName = (deployment: string, executionId: number): string => `zoe-${deployment}-${executionId}`;

/** The deployment's task queue: execution workflows and their short activities. */
export const taskQueue = (deployment: string): string => `zoe-${deployment}`;

/**
 * Watching running containers waits for hours: it has a task queue of its own, served with many
 * slots, so a pool full of long executions never starves the starts and records of new ones.
 */
export const watchTaskQueue = (deployment: string): string => `zoe-${deployment}-watch`;

/**
 * The scheduler's workflow tasks have a queue of their own: under a burst they do not wait behind
 * thousands of execution workflow tasks, and every execution waits on the scheduler.
 */
export const schedulerTaskQueue = (deployment: string): string => `zoe-${deployment}-scheduler`;

export const executionWorkflowId = (deployment: string, executionId: number): string =>
  `zoe-${deployment}-execution-${executionId}`;

export const schedulerWorkflowId = (deployment: string): string => `zoe-${deployment}-scheduler`;

/** Labels on everything a back-end creates for Zoe (the original's `zoe_*` container labels). */
export const LABEL = {
  deployment: 'zoe_deployment_name',
  executionId: 'zoe_execution_id',
  executionName: 'zoe_execution_name',
  service: 'zoe_service_name',
  serviceId: 'zoe_service_id',
  owner: 'zoe_owner',
  type: 'zoe_type',
} as const;

export interface InstanceIdentity {
  deployment: string;
  executionId: number;
  executionName: string;
  instance: string;
  serviceId: number;
  owner: string;
}

export function instanceLabels(identity: InstanceIdentity): Record<string, string> {
  return {
    [LABEL.deployment]: identity.deployment,
    [LABEL.executionId]: String(identity.executionId),
    [LABEL.executionName]: identity.executionName,
    [LABEL.service]: identity.instance,
    [LABEL.serviceId]: String(identity.serviceId),
    [LABEL.owner]: identity.owner,
    [LABEL.type]: 'app_service',
  };
}
