// Activities over the container back-end (backends/contract.ts), whichever implementation the
// worker was given. They take Temporal's cancellation signal, heartbeat while they wait, and let
// the back-end classify failures as retryable or not. Their names and argument shapes are a
// contract with running executions: they never change.
import { Context } from '@temporalio/activity';
import type { ContainerBackend, ExitReport, InstanceRef, StartedInstance, StartRequest } from '../backends/contract.js';
import { serviceLogFile } from '../executions/log-files.js';
import type { Logger } from '../log/logger.js';
import type { InstancePlan, WorkspacePlan } from '../model/instance.js';
import { Failure, zoeFailure } from '../model/failures.js';
import type { HostCapacity } from '../scheduler/types.js';
import { keepTail } from '../service-logs/kept-copy.js';

export type StartContainerInput = StartRequest;

/** One watched instance: where it runs. */
export interface WatchedInstance {
  instance: string;
  host: string;
}

export interface ContainerSettings {
  serviceLogsBase: string;
  readinessTimeoutMs: number;
  /** The kept copy of a service's output holds at most its last this many bytes. */
  keptLogMaxBytes: number;
}

export function createContainerActivities(backend: ContainerBackend, settings: ContainerSettings, log: Logger) {
  /**
   * Keeps the output of a container that is about to be removed. Never fails the teardown: a copy
   * that cannot be made is logged and skipped (the removal itself still fails if the host is
   * unreachable, and is retried). Cancellation is the exception: it ends the attempt.
   */
  async function keepLogs(ref: InstanceRef): Promise<void> {
    const context = Context.current();
    const signal = context.cancellationSignal;
    const file = serviceLogFile(settings.serviceLogsBase, ref.deployment, ref.executionId, ref.instance);
    try {
      const output = await backend.openLogs(ref, { follow: false, signal });
      if (!output) return;
      const kept = await keepTail(output, file, { maxBytes: settings.keptLogMaxBytes, signal, heartbeat: () => context.heartbeat() });
      if (kept.bytesCut > 0 || kept.stoppedEarly) log.info('kept the end of a service\'s output', { ...ref, ...kept });
    } catch (error) {
      if (signal.aborted) throw error;
      log.warn('could not keep a service\'s output; removing its container anyway', { ...ref, error: (error as Error).message });
    }
  }

  return {
    /**
     * What an execution needs on a host before its containers start: its private network (where
     * they find each other by DNS name) and the owner's workspace, created with the owner's uid.
     */
    async prepareExecution(input: { executionId: number; deployment: string; host: string; workspace?: WorkspacePlan }): Promise<void> {
      await backend.prepareExecution(input);
    },

    /** Waits until the instance's declared TCP ports accept connections (bounded). */
    async waitForReadiness(input: { executionId: number; deployment: string; host: string; instance: InstancePlan }): Promise<void> {
      const context = Context.current();
      const ref = { deployment: input.deployment, executionId: input.executionId, instance: input.instance.instance, host: input.host };
      await backend.waitForReadiness(ref, input.instance.container.ports, {
        timeoutMs: settings.readinessTimeoutMs,
        signal: context.cancellationSignal,
        heartbeat: () => context.heartbeat(),
      });
    },

    async startContainer(input: StartContainerInput): Promise<StartedInstance> {
      return backend.startInstance(input);
    },

    async removeContainer(input: { executionId: number; deployment: string; instance: string; host: string }): Promise<void> {
      const ref = { deployment: input.deployment, executionId: input.executionId, instance: input.instance, host: input.host };
      await keepLogs(ref);
      await backend.removeInstance(ref);
    },

    /**
     * Removes the execution's containers and networks on every host but `skipHosts` (lost hosts,
     * whose leftovers reconciliation removes when they answer again), keeping each container's
     * output first; returns the instances removed. A host not skipped that does not answer fails
     * the attempt (retried): nothing is left behind silently.
     */
    async removeExecutionContainers(input: { executionId: number; deployment: string; skipHosts?: string[] }): Promise<string[]> {
      const query = { deployment: input.deployment, executionId: input.executionId, skipHosts: input.skipHosts ?? [] };
      const { owned, unreachable } = await backend.listOwned(query);
      if (unreachable.length > 0) {
        throw zoeFailure(Failure.BackendUnavailable, `cannot remove execution ${input.executionId}: ${unreachable.join(', ')} did not answer`);
      }
      const hosts = [...new Set(owned.map((o) => o.host))];
      // One copy at a time per host (each streams a whole log), the hosts in parallel.
      await Promise.all(hosts.map(async (host) => {
        for (const o of owned) if (o.host === host && o.instance !== '') await keepLogs({ deployment: input.deployment, executionId: input.executionId, instance: o.instance, host });
      }));
      const names = (await backend.removeExecution(query)).map((removed) => removed.instance);
      if (names.length > 0) log.info('removed containers', { executionId: input.executionId, instances: names });
      return names;
    },

    /** The first watched container to stop; null when `maxWaitMs` passed with all of them running. */
    async waitForExit(input: { executionId: number; deployment: string; instances: WatchedInstance[]; maxWaitMs: number }): Promise<ExitReport | null> {
      const context = Context.current();
      const refs = input.instances.map(({ instance, host }) => ({ deployment: input.deployment, executionId: input.executionId, instance, host }));
      return backend.waitForFirstExit(refs, {
        maxWaitMs: input.maxWaitMs,
        signal: context.cancellationSignal,
        heartbeat: () => context.heartbeat(),
      });
    },

    async inventoryHosts(): Promise<HostCapacity[]> {
      return backend.inventory();
    },
  };
}
