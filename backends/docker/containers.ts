// Creating, starting and removing one execution's containers and network on a Docker host.
// Every operation is idempotent: names derive from the execution and the instance, so a retry
// finds the container a previous attempt created instead of making a second one.
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import type { DockerBackendConfig } from '../../config/config.js';
import type { PublishedPort, StartedInstance, StartRequest } from '../contract.js';
import { classifyStartError, isConflict, isNotFound, isNotModified } from './errors.js';
import type { DockerHost } from './hosts.js';
import { containerName, executionNetworkName, instanceLabels, LABEL } from '../../model/naming.js';
import { labelFilter, splitCommand } from './naming.js';

/**
 * Creates the execution's network unless it exists. Docker does not make names unique atomically,
 * so the workflow calls this once per host before starting any container there, never concurrently.
 */
export async function ensureNetwork(host: DockerHost, deployment: string, executionId: number): Promise<void> {
  const name = executionNetworkName(deployment, executionId);
  const existing = await host.docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((n) => n.Name === name)) return;
  try {
    await host.docker.createNetwork({
      Name: name, Driver: 'bridge', CheckDuplicate: true,
      Labels: { [LABEL.deployment]: deployment, [LABEL.executionId]: String(executionId) },
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

/**
 * The engine rotates each container's log: json-file, `max-size` × `max-file`, whatever the
 * engine's default driver is. A service that prints more loses its oldest output, not the host's disk.
 */
export function logConfig(rotation: DockerBackendConfig['logRotation']): { Type: string; Config: Record<string, string> } {
  return {
    Type: 'json-file',
    Config: { 'max-size': `${Math.max(1, Math.round(rotation.maxFileBytes / 1024))}k`, 'max-file': String(rotation.maxFiles) },
  };
}

export function createOptions(request: StartRequest, host: DockerHost, rotation: DockerBackendConfig['logRotation']): ContainerCreateOptions {
  const { instance } = request;
  const network = executionNetworkName(request.deployment, request.executionId);
  const plan = instance.container;
  const exposed = Object.fromEntries(plan.ports.map((p) => [p.internalName, {}]));
  const bindings = Object.fromEntries(plan.ports.map((p) => [p.internalName, [{ HostIp: host.publishAddress, HostPort: '' }]]));
  return {
    name: containerName(instance.instance, request.executionId, request.deployment),
    Hostname: plan.dnsName,
    Image: plan.image,
    ...(plan.command !== null ? { Cmd: splitCommand(plan.command) } : {}),
    ...(plan.workDir ? { WorkingDir: plan.workDir } : {}),
    Env: plan.environment.map(([k, v]) => `${k}=${v}`),
    Labels: instanceLabels({
      deployment: request.deployment, executionId: request.executionId, executionName: request.executionName,
      instance: instance.instance, serviceId: instance.serviceId, owner: request.owner,
    }),
    ExposedPorts: exposed,
    HostConfig: {
      Memory: instance.memory,
      NanoCpus: Math.max(1, Math.round(instance.cores * 1e9)),
      // busybox or a shell as PID 1 ignores SIGTERM: an init process makes stops immediate.
      Init: true,
      PortBindings: bindings,
      Binds: plan.volumes.map((v) => `${v.hostPath}:${v.containerPath}:${v.readOnly ? 'ro' : 'rw'}`),
      NetworkMode: network,
      ...(plan.shmBytes ? { ShmSize: plan.shmBytes } : {}),
      Privileged: false,
      RestartPolicy: { Name: 'no' },
      LogConfig: logConfig(rotation),
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [plan.dnsName, instance.instance] } } },
  };
}

/** Creates (or finds) and starts the container; a container that already ran and exited is left as it is. */
export async function startContainer(host: DockerHost, request: StartRequest, rotation: DockerBackendConfig['logRotation']): Promise<StartedInstance> {
  const options = createOptions(request, host, rotation);
  const what = `starting ${request.instance.instance}`;
  let container: Docker.Container;
  try {
    container = await host.docker.createContainer(options);
  } catch (error) {
    if (!isConflict(error)) throw classifyStartError(error, what, options.Image ?? '');
    container = host.docker.getContainer(options.name!);
  }
  const before = await container.inspect();
  const neverStarted = before.State.Status === 'created';
  if (neverStarted) {
    try {
      await container.start();
    } catch (error) {
      if (!isNotModified(error)) throw classifyStartError(error, what, options.Image ?? '');
    }
  }
  const after = await container.inspect();
  const ports: PublishedPort[] = [];
  for (const port of request.instance.container.ports) {
    const binding = after.NetworkSettings.Ports?.[port.internalName]?.[0];
    if (binding) ports.push({ internalName: port.internalName, hostIp: binding.HostIp, hostPort: Number(binding.HostPort) });
  }
  return { backendId: after.Id, externalAddress: host.externalAddress, ports };
}

/** Removes every container and network of one execution on this host; returns the instances removed. */
export async function removeExecution(host: DockerHost, deployment: string, executionId: number): Promise<string[]> {
  const filters = labelFilter(deployment, executionId);
  const listed = await host.docker.listContainers({ all: true, filters });
  await Promise.all(listed.map((c) => removeById(host, c.Id)));
  // By label and by id: a name can match several networks.
  for (const network of await host.docker.listNetworks({ filters })) {
    try {
      await host.docker.getNetwork(network.Id).remove();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return listed.map((c) => c.Labels[LABEL.service] ?? '').filter((name) => name !== '');
}

export async function removeById(host: DockerHost, id: string): Promise<void> {
  try {
    await host.docker.getContainer(id).remove({ force: true });
  } catch (error) {
    // Already gone, or already being removed by a concurrent attempt: the goal is reached.
    if (!isNotFound(error) && !isConflict(error)) throw error;
  }
}
