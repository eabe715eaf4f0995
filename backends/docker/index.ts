// The Docker implementation of the container back-end contract (backends/contract.ts): one or
// more Docker Engines, each a host of the scheduler. Everything Docker-specific stays in this
// folder; the rest of Zoe sees only `ContainerBackend`.
import type { DockerBackendConfig, ZoeConfig } from '../../config/config.js';
import type { Logger } from '../../log/logger.js';
import { containerName, executionNetworkName, LABEL } from '../../model/naming.js';
import type { ContainerBackend, InstanceRef, OwnedInstance } from '../contract.js';
import { ensureWorkspaceFolder } from '../workspace-folder.js';
import { ensureNetwork, removeById, removeExecution, startContainer } from './containers.js';
import { hostsFromConfig } from './engines.js';
import { engineUnavailable } from './errors.js';
import { type DockerHost, HOST_ANSWER_MS, HostRegistry, readCapacity, withinTime } from './hosts.js';
import { openContainerLogs } from './logs.js';
import { labelFilter } from './naming.js';
import { waitUntilReady } from './readiness.js';
import { waitForFirstExit } from './watch.js';

/** The back-end over the configured engines (the host file's, or the local one). */
export function createDockerBackend(config: Pick<ZoeConfig, 'network'> & { backend: DockerBackendConfig }, log: Logger): ContainerBackend {
  const registry = new HostRegistry(hostsFromConfig(config.backend, config.network));
  const rotation = config.backend.logRotation;
  const containerOf = (ref: InstanceRef) =>
    registry.get(ref.host).docker.getContainer(containerName(ref.instance, ref.executionId, ref.deployment));

  /** What one host holds of the deployment (containers by label, networks by label). */
  async function ownedOn(host: DockerHost, deployment: string, executionId?: number): Promise<OwnedInstance[]> {
    const filters = labelFilter(deployment, executionId);
    const [containers, networks] = await Promise.all([
      host.docker.listContainers({ all: true, filters }), host.docker.listNetworks({ filters }),
    ]);
    const owned = (labels: Record<string, string> | undefined, instance: string): OwnedInstance =>
      ({ host: host.name, executionId: Number(labels?.[LABEL.executionId]), instance });
    return [
      ...containers.map((c) => owned(c.Labels, c.Labels[LABEL.service] ?? '')),
      ...networks.map((n) => owned(n.Labels, '')),
    ].filter((o) => Number.isInteger(o.executionId));
  }

  return {
    kind: 'docker',

    inventory: () => Promise.all(registry.hosts.map((host) => readCapacity(host))),

    async prepareExecution(request) {
      const host = registry.get(request.host);
      try {
        await ensureNetwork(host, request.deployment, request.executionId);
      } catch (error) {
        throw engineUnavailable(error, `creating the network of execution ${request.executionId} on ${host.name}`);
      }
      if (request.workspace) ensureWorkspaceFolder(request.workspace);
    },

    // Async so that an unknown host (thrown at once) is a rejection like any other failure.
    startInstance: async (request) => startContainer(registry.get(request.host), request, rotation),

    waitForReadiness: async (ref, ports, options) => waitUntilReady(containerOf(ref), {
      ...options, instance: ref.instance, network: executionNetworkName(ref.deployment, ref.executionId), ports,
    }),

    waitForFirstExit: (refs, options) => waitForFirstExit(registry, refs, options),

    openLogs: async (ref, options) => openContainerLogs(containerOf(ref), options.follow, options.signal),

    async removeInstance(ref) {
      const host = registry.get(ref.host);
      try {
        await removeById(host, containerName(ref.instance, ref.executionId, ref.deployment));
      } catch (error) {
        throw engineUnavailable(error, `removing ${ref.instance} from ${host.name}`);
      }
    },

    async listOwned(query) {
      const unreachable: string[] = [];
      const found = await Promise.all(registry.except(query.skipHosts).map(async (host) => {
        try {
          return await withinTime(ownedOn(host, query.deployment, query.executionId), HOST_ANSWER_MS, host.name);
        } catch (error) {
          log.debug(`host ${host.name} did not answer a listing`, { error: (error as Error).message });
          unreachable.push(host.name);
          return [];
        }
      }));
      return { owned: found.flat(), unreachable: unreachable.sort() };
    },

    async removeExecution(request) {
      const removed = await Promise.all(registry.except(request.skipHosts).map(async (host) => {
        try {
          const instances = await removeExecution(host, request.deployment, request.executionId);
          return instances.map((instance) => ({ host: host.name, executionId: request.executionId, instance }));
        } catch (error) {
          throw engineUnavailable(error, `removing execution ${request.executionId} from ${host.name}`);
        }
      }));
      return removed.flat();
    },

    close: () => Promise.resolve(), // dockerode keeps no connection open between requests
  };
}
