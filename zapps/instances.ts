// From a validated ZApp to the instances an execution runs, and from an instance to the
// environment its container receives. Pure code: no Node built-ins, so workflows may import it.
import { instanceName } from './instance-names.js';
import type { InstanceRequest } from '../model/instance.js';
import { DEFAULT_CORES } from '../model/units.js';
import { type ZApp, type ZAppEnvPair, type ZAppPort, type ZAppService, type ZAppVolume } from './schema.js';
import { containerName } from '../model/naming.js';
import { dnsNamePrefix, renderTemplate, templateVariables } from './template.js';

/**
 * One container to run, as the ZApp describes it (templates not rendered yet): `spark-worker1` of
 * service group `spark-worker`. Its request part is what the scheduler and the quota count;
 * `executions/plan.ts` renders it into the InstancePlan the workflow carries.
 */
export interface InstanceSpec extends InstanceRequest {
  /** The service group name from the ZApp. */
  service: string;
  startupOrder: number;
  shm?: number;
  image: string;
  /** null keeps the image's own command. */
  command: string | null;
  workDir?: string;
  ports: ZAppPort[];
  /** The raw [name, value] pairs; values are templates, see `instanceEnvironment`. */
  environment: ZAppEnvPair[];
  volumes: ZAppVolume[];
  network?: string;
  monitor: boolean;
}

/** What the environment templates and injected variables are made of. */
export interface ExecutionContext {
  executionId: number;
  executionName: string;
  userName: string;
  /** The user's file-system uid and the configured gid (`ZOE_UID`, `ZOE_GID`). */
  uid: number;
  gid: number;
  /** The deployment name (config `deployment-name`). */
  deployment: string;
}

export const workspaceMountPoint = '/mnt/workspace';

/**
 * Every instance of every service, in ZApp order; within a service n runs 0..total_count-1, so
 * the essential ones come first. Specs share nothing with the ZApp (arrays and objects are copied).
 */
export function expandInstances(zapp: ZApp): InstanceSpec[] {
  return zapp.services.flatMap((service) =>
    Array.from({ length: service.total_count }, (_, n) => instanceSpec(service, n)));
}

function instanceSpec(service: ZAppService, n: number): InstanceSpec {
  const { resources } = service;
  return {
    instance: instanceName(service.name, n),
    service: service.name,
    essential: n < service.essential_count,
    startupOrder: service.startup_order,
    memory: resources.memory.min,
    cores: resources.cores.min ?? DEFAULT_CORES,
    ...(resources.shm === undefined ? {} : { shm: resources.shm }),
    image: service.image,
    command: service.command,
    ...(service.work_dir === undefined ? {} : { workDir: service.work_dir }),
    ports: service.ports.map((port) => ({ ...port })),
    environment: service.environment.map(([name, value]): ZAppEnvPair => [name, value]),
    volumes: service.volumes.map((volume) => ({ ...volume })),
    labels: [...(service.labels ?? [])],
    ...(service.network === undefined ? {} : { network: service.network }),
    monitor: service.monitor,
  };
}

/** The variables every template of this instance may use, plus each `{dns_name#…}` it names. */
function templateValues(spec: InstanceSpec, ctx: ExecutionContext, templates: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {
    user_name: ctx.userName,
    execution_id: String(ctx.executionId),
    execution_name: ctx.executionName,
    deployment_name: ctx.deployment,
    [`${dnsNamePrefix}self`]: containerName(spec.instance, ctx.executionId, ctx.deployment),
  };
  // Validation has checked that each named instance exists in the ZApp, so any
  // `dns_name#<instance>` can be resolved from the instance name alone.
  for (const template of templates) {
    for (const variable of templateVariables(template)) {
      if (variable.startsWith(dnsNamePrefix) && variable !== `${dnsNamePrefix}self`) {
        values[variable] = containerName(variable.slice(dnsNamePrefix.length), ctx.executionId, ctx.deployment);
      }
    }
  }
  return values;
}

/**
 * The container environment: the ZApp's pairs with templates rendered, then the variables Zoe
 * injects. Each name appears once (the original listed every variable twice, raw and rendered);
 * where a ZApp pair uses an injected name, the injected value wins. Throws `TemplateError` only
 * for a spec that did not come from a validated ZApp.
 */
export function instanceEnvironment(spec: InstanceSpec, ctx: ExecutionContext): [string, string][] {
  const values = templateValues(spec, ctx, spec.environment.map(([, value]) => value));
  const injected: [string, string][] = [
    ['EXECUTION_ID', String(ctx.executionId)],
    ['DEPLOY_NAME', ctx.deployment],
    ['ZOE_USER', ctx.userName],
    ['ZOE_UID', String(ctx.uid)],
    ['ZOE_GID', String(ctx.gid)],
    ['ZOE_WORKSPACE', workspaceMountPoint],
    ['SERVICE_NAME', spec.instance],
  ];
  const injectedNames = new Set(injected.map(([name]) => name));
  const own = spec.environment
    .filter(([name]) => !injectedNames.has(name))
    .map(([name, value]): [string, string] => [name, renderTemplate(value, values)]);
  return [...own, ...injected];
}

/** Where a port is reached: `ipPort` is `<address>:<host port>`, `proxyPath` set when a proxy serves it. */
export interface PortEndpoint {
  ipPort: string;
  proxyPath?: string;
}

/**
 * A port's URL from its template. `{proxy_path}` renders as '' when the port is not proxied or no
 * proxy is configured: the original raised KeyError there, breaking every contrib ZApp.
 */
export function portUrl(spec: InstanceSpec, port: ZAppPort, ctx: ExecutionContext, endpoint: PortEndpoint): string {
  const values = templateValues(spec, ctx, [port.url_template]);
  values.ip_port = endpoint.ipPort;
  values.proxy_path = port.proxy === true ? (endpoint.proxyPath ?? '') : '';
  return renderTemplate(port.url_template, values);
}
