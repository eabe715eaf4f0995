// Activities over the container back-end. They take Temporal's cancellation signal, heartbeat
// while they wait, and let the back-end classify failures as retryable or not.
import { Context } from '@temporalio/activity';
import {
  ensureNetwork, removeById, removeExecution, startContainer, type StartedContainer,
} from '../backends/docker/containers.js';
import { type DockerHost, type HostRegistry, readCapacity } from '../backends/docker/hosts.js';
import { saveContainerLogs } from '../backends/docker/logs.js';
import { containerName, executionNetworkName, LABEL } from '../model/naming.js';
import { labelFilter } from '../backends/docker/naming.js';
import { waitUntilReady } from '../backends/docker/readiness.js';
import { serviceLogFile } from '../executions/log-files.js';
import { ensureWorkspace } from './workspace.js';
import { type ExitReport, waitForFirstExit, type WatchedInstance } from '../backends/docker/watch.js';
import type { Logger } from '../log/logger.js';
import type { HostCapacity } from '../scheduler/types.js';
import type { InstancePlan, WorkspacePlan } from '../model/instance.js';

export interface StartContainerInput {
  executionId: number;
  executionName: string;
  deployment: string;
  owner: string;
  instance: InstancePlan;
  host: string;
}

export interface ContainerSettings {
  serviceLogsBase: string;
  readinessTimeoutMs: number;
}

export function createContainerActivities(hosts: HostRegistry, settings: ContainerSettings, log: Logger) {
  const logFile = (deployment: string, executionId: number, instance: string) =>
    serviceLogFile(settings.serviceLogsBase, deployment, executionId, instance);

  /** Keeps the output of a container that is about to be removed. */
  async function keepLogs(host: DockerHost, deployment: string, executionId: number, instance: string): Promise<void> {
    await saveContainerLogs(host.docker.getContainer(containerName(instance, executionId, deployment)), logFile(deployment, executionId, instance));
  }

  return {
    /**
     * What an execution needs on a host before its containers start: its private network (where
     * they find each other by DNS name) and the owner's workspace, created with the owner's uid.
     */
    async prepareExecution(input: { executionId: number; deployment: string; host: string; workspace?: WorkspacePlan }): Promise<void> {
      await ensureNetwork(hosts.get(input.host), executionNetworkName(input.deployment, input.executionId), {
        [LABEL.deployment]: input.deployment, [LABEL.executionId]: String(input.executionId),
      });
      if (input.workspace) ensureWorkspace(input.workspace);
    },

    /** Waits until the instance's declared TCP ports accept connections (bounded). */
    async waitForReadiness(input: { executionId: number; deployment: string; host: string; instance: InstancePlan }): Promise<void> {
      const context = Context.current();
      const container = hosts.get(input.host).docker.getContainer(containerName(input.instance.instance, input.executionId, input.deployment));
      await waitUntilReady(container, {
        instance: input.instance.instance,
        network: executionNetworkName(input.deployment, input.executionId),
        ports: input.instance.container.ports,
        timeoutMs: settings.readinessTimeoutMs,
        signal: context.cancellationSignal,
        heartbeat: () => context.heartbeat(),
      });
    },

    async startContainer(input: StartContainerInput): Promise<StartedContainer> {
      const network = executionNetworkName(input.deployment, input.executionId);
      return startContainer(hosts.get(input.host), { ...input, network });
    },

    async removeContainer(input: { executionId: number; deployment: string; instance: string; host: string }): Promise<void> {
      const host = hosts.get(input.host);
      await keepLogs(host, input.deployment, input.executionId, input.instance);
      await removeById(host, containerName(input.instance, input.executionId, input.deployment));
    },

    /**
     * Removes the execution's containers and networks on every host but `skipHosts` (lost hosts,
     * whose leftovers reconciliation removes when they answer again); returns the instances removed.
     */
    async removeExecutionContainers(input: { executionId: number; deployment: string; skipHosts?: string[] }): Promise<string[]> {
      const reachable = hosts.hosts.filter((host) => !(input.skipHosts ?? []).includes(host.name));
      const removed = await Promise.all(reachable.map(async (host) => {
        const present = await host.docker.listContainers({ all: true, filters: labelFilter(input.deployment, input.executionId) });
        for (const c of present) {
          const instance = c.Labels[LABEL.service];
          if (instance) await keepLogs(host, input.deployment, input.executionId, instance);
        }
        return removeExecution(host, input.deployment, input.executionId);
      }));
      const names = removed.flat();
      if (names.length > 0) log.info('removed containers', { executionId: input.executionId, instances: names });
      return names;
    },

    /** The first watched container to stop; null when `maxWaitMs` passed with all of them running. */
    async waitForExit(input: { executionId: number; deployment: string; instances: WatchedInstance[]; maxWaitMs: number }): Promise<ExitReport | null> {
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
