// Reconciliation: containers labelled for this deployment whose execution workflow is not running
// (it ended, or never existed) are removed, each removal logged. The worker runs it at start and
// periodically. An execution's workflow always exists before its first container is created, so a
// container with a live workflow is never touched.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { HostRegistry } from '../backends/docker/hosts.js';
import { removeExecution } from '../backends/docker/containers.js';
import { LABEL } from '../model/naming.js';
import { labelFilter } from '../backends/docker/naming.js';
import type { Logger } from '../log/logger.js';
import { executionWorkflowId } from '../model/naming.js';

export interface ReconcileReport {
  removed: Array<{ host: string; executionId: number; instances: string[] }>;
}

export async function reconcileOrphans(client: Client, hosts: HostRegistry, deployment: string, log: Logger): Promise<ReconcileReport> {
  const report: ReconcileReport = { removed: [] };
  for (const host of hosts.hosts) {
    let containers;
    try {
      containers = await host.docker.listContainers({ all: true, filters: labelFilter(deployment) });
    } catch (error) {
      log.warn(`reconciliation skipped host ${host.name}: its engine does not answer`, { error: (error as Error).message });
      continue;
    }
    const executions = new Set(containers.map((c) => Number(c.Labels[LABEL.executionId])).filter((id) => Number.isInteger(id)));
    for (const executionId of executions) {
      if (await workflowIsRunning(client, executionWorkflowId(deployment, executionId))) continue;
      const instances = await removeExecution(host, deployment, executionId);
      report.removed.push({ host: host.name, executionId, instances });
      log.warn(`removed containers no live execution owns`, { host: host.name, executionId, instances });
    }
  }
  return report;
}

async function workflowIsRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error; // Temporal unreachable: decide nothing
  }
}

/** Runs reconciliation now and then every `intervalMs`; returns a function that stops it. */
export function scheduleReconciliation(run: () => Promise<unknown>, intervalMs: number, log: Logger): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await run();
    } catch (error) {
      log.warn('reconciliation failed; it will run again', { error: (error as Error).message });
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
