// Reconciliation: containers (and networks) labelled for this deployment whose execution workflow
// is not running (it ended, or never existed) are removed through the back-end, each removal
// logged. The worker runs it at start and periodically. An execution's workflow always exists
// before its first container is created, so a container with a live workflow is never touched.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { ContainerBackend } from '../backends/contract.js';
import type { Logger } from '../log/logger.js';
import { executionWorkflowId } from '../model/naming.js';

export interface ReconcileReport {
  /** Per host and execution: the instances removed (empty when only execution-wide objects were). */
  removed: Array<{ host: string; executionId: number; instances: string[] }>;
}

export async function reconcileOrphans(client: Client, backend: ContainerBackend, deployment: string, log: Logger): Promise<ReconcileReport> {
  const report: ReconcileReport = { removed: [] };
  const { owned, unreachable } = await backend.listOwned({ deployment });
  for (const host of unreachable) log.warn(`reconciliation skipped host ${host}: it does not answer`);
  const executions = [...new Set(owned.map((o) => o.executionId))].sort((a, b) => a - b);
  for (const executionId of executions) {
    if (await workflowIsRunning(client, executionWorkflowId(deployment, executionId))) continue;
    let removed;
    try {
      removed = await backend.removeExecution({ deployment, executionId, skipHosts: unreachable });
    } catch (error) {
      log.warn(`reconciliation could not remove execution ${executionId}; it will try again`, { error: (error as Error).message });
      continue;
    }
    const hosts = [...new Set(owned.filter((o) => o.executionId === executionId).map((o) => o.host))].sort();
    for (const host of hosts) {
      const instances = removed.filter((r) => r.host === host).map((r) => r.instance);
      report.removed.push({ host, executionId, instances });
      log.warn(`removed what no live execution owns`, { host, executionId, instances });
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
