// From a validated ZApp to the execution workflow's input: every instance with its container
// fully rendered (environment templates, DNS names, volumes). Done once at submit time, so the
// workflow replays from plain data and a template problem is an error before anything is queued.
import { join } from 'node:path';
import { expandInstances, instanceEnvironment, type InstanceSpec, workspaceMountPoint } from '../zapps/instances.js';
import type { ZApp } from '../zapps/schema.js';
import { containerName } from '../model/naming.js';
import type { ExecutionInput } from '../model/execution.js';
import type { InstancePlan } from '../model/instance.js';

export interface PlanContext {
  executionId: number;
  executionName: string;
  deployment: string;
  owner: { id: number; username: string; fsUid: number };
  fsGroupId: number;
  /** `<base>/<deployment>/<user>` is mounted at /mnt/workspace in every container. */
  workspaceBase: string;
  runtimeLimitHours: number;
  submittedAt: number;
}

export function workspacePath(base: string, deployment: string, username: string): string {
  return join(base, deployment, username);
}

export function planInstances(zapp: ZApp, serviceIds: ReadonlyMap<string, number>, ctx: PlanContext): InstancePlan[] {
  const envContext = {
    executionId: ctx.executionId, executionName: ctx.executionName, userName: ctx.owner.username,
    uid: ctx.owner.fsUid, gid: ctx.fsGroupId, deployment: ctx.deployment,
  };
  const workspace = workspacePath(ctx.workspaceBase, ctx.deployment, ctx.owner.username);
  return expandInstances(zapp).map((spec) => ({
    serviceId: serviceIdOf(serviceIds, spec),
    instance: spec.instance,
    service: spec.service,
    essential: spec.essential,
    monitor: spec.monitor,
    startupOrder: spec.startupOrder,
    memory: spec.memory,
    cores: spec.cores,
    labels: spec.labels,
    container: {
      image: spec.image,
      command: spec.command,
      workDir: spec.workDir,
      environment: instanceEnvironment(spec, envContext),
      ports: spec.ports.map((p) => ({ internalName: `${p.port_number}/${p.protocol}`, port: p.port_number, protocol: p.protocol })),
      volumes: [
        { hostPath: workspace, containerPath: workspaceMountPoint, readOnly: false },
        ...spec.volumes.map((v) => ({ hostPath: v.path, containerPath: `/mnt/${v.name}`, readOnly: v.read_only })),
      ],
      shmBytes: spec.shm,
      dnsName: containerName(spec.instance, ctx.executionId, ctx.deployment),
    },
  }));
}

export function executionInput(zapp: ZApp, instances: InstancePlan[], ctx: PlanContext): ExecutionInput {
  return {
    executionId: ctx.executionId,
    deployment: ctx.deployment,
    name: ctx.executionName,
    zappName: zapp.name,
    size: zapp.size,
    owner: { id: ctx.owner.id, username: ctx.owner.username },
    instances,
    runtimeLimitMs: Math.max(0, ctx.runtimeLimitHours) * 3_600_000,
    submittedAt: ctx.submittedAt,
    workspace: { path: workspacePath(ctx.workspaceBase, ctx.deployment, ctx.owner.username), uid: ctx.owner.fsUid, gid: ctx.fsGroupId },
  };
}

function serviceIdOf(serviceIds: ReadonlyMap<string, number>, spec: InstanceSpec): number {
  const id = serviceIds.get(spec.instance);
  if (id === undefined) throw new Error(`no service row for ${spec.instance}`);
  return id;
}
