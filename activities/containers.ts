// Activities over the container back-end. They take Temporal's cancellation signal, heartbeat
// while they wait, and let the back-end classify failures as retryable or not.
import { Context } from '@temporalio/activity';
import {
  ensureNetwork, removeById, removeExecution, startContainer, type StartedContainer,
} from '../backends/docker/containers.js';
import { type HostRegistry, readCapacity } from '../backends/docker/hosts.js';
import { containerName, LABEL } from '../backends/docker/naming.js';
import { type ExitReport, waitForFirstExit, type WatchedInstance } from '../backends/docker/watch.js';
import type { Logger } from '../log/logger.js';
import type { HostCapacity } from '../scheduler/types.js';
import { executionNetworkName } from '../workflows/ids.js';
import type { InstancePlan } from '../workflows/types.js';

export interface StartContainerInput {
  executionId: number;
  executionName: string;
  deployment: string;
  owner: string;
  instance: InstancePlan;
  host: string;
}

export function createContainerActivities(hosts: HostRegistry, log: Logger) {
  return {
    /** The execution's private network on one host, where its containers find each other by DNS name. */
    async prepareNetwork(input: { executionId: number; deployment: string; host: string }): Promise<void> {
      await ensureNetwork(hosts.get(input.host), executionNetworkName(input.deployment, input.executionId), {
        [LABEL.deployment]: input.deployment, [LABEL.executionId]: String(input.executionId),
      });
    },

    async startContainer(input: StartContainerInput): Promise<StartedContainer> {
      const network = executionNetworkName(input.deployment, input.executionId);
      return startContainer(hosts.get(input.host), { ...input, network });
    },

    async removeContainer(input: { executionId: number; deployment: string; instance: string; host: string }): Promise<void> {
      await removeById(hosts.get(input.host), containerName(input.instance, input.executionId, input.deployment));
    },

    /** Removes the execution's containers and networks on every host; returns the instance names removed. */
    async removeExecutionContainers(input: { executionId: number; deployment: string }): Promise<string[]> {
      const removed = await Promise.all(hosts.hosts.map((host) => removeExecution(host, input.deployment, input.executionId)));
      const names = removed.flat();
      if (names.length > 0) log.info('removed containers', { executionId: input.executionId, instances: names });
      return names;
    },

    /** Null when `maxWaitMs` passed with every essential container still running. */
    async waitForEssentialExit(input: { executionId: number; deployment: string; instances: WatchedInstance[]; maxWaitMs: number }): Promise<ExitReport | null> {
      const context = Context.current();
      return waitForFirstExit(hosts, {
        ...input,
        signal: context.cancellationSignal,
        heartbeat: () => context.heartbeat(),
      });
    },

    async inventoryHosts(): Promise<HostCapacity[]> {
      return Promise.all(hosts.hosts.map((host) => readCapacity(host)));
    },
  };
}
