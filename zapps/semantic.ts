// Rules the schema cannot express: they relate fields to each other or to the administrative
// limits. They run on the loose view (loose-view.ts), so they report alongside schema problems.
// Pure code: no Node built-ins.
import { parseImageReference } from './image-reference.js';
import { instanceExists, sharedInstanceName, type NamedCount } from './instance-names.js';
import type { LooseService, LooseZApp } from './loose-view.js';
import { formatPath, shorten, type PathSegment, type ZAppProblem } from '../model/problems.js';
import { commonTemplateVariables, dnsNamePrefix, TemplateError, templateVariables, urlOnlyTemplateVariables } from './template.js';

/** Administrative limits on one instance's reservation (config `max-memory-limit`, `max-core-limit`). */
export interface AdminLimits {
  maxMemoryBytes: number;
  maxCores: number;
}

/** Services by name, or undefined when some names are unknown. */
type InstanceLookup = ReadonlyMap<string, NamedCount> | undefined;

type Report = (path: readonly PathSegment[], message: string) => void;

export function semanticProblems(zapp: LooseZApp, limits: AdminLimits): ZAppProblem[] {
  const problems: ZAppProblem[] = [];
  const report: Report = (path, message) => problems.push({ path: formatPath(path), message });
  const services = zapp.services;
  if (services === undefined) return problems;

  if (services.length > 0 && !services.some((service) => service.monitor === true)) {
    report(['services'], 'At least one service must have monitor set to true.');
  }
  const byName = servicesByName(services, report);
  // With a service name missing or mistyped, a `{dns_name#…}` reference cannot be judged: the
  // schema reports the name, and the references are not second-guessed.
  const instances: InstanceLookup = services.every((service) => service.name !== undefined) ? byName : undefined;
  for (const service of services) {
    checkCounts(service, report);
    checkLimits(service, limits, report);
    checkImage(service, report);
    checkPorts(service, instances, report);
    checkEnvironment(service, instances, report);
    checkVolumes(service, report);
  }
  return problems;
}

/** Indexes services by name, reporting duplicate names and instance-name collisions on the way. */
function servicesByName(services: readonly LooseService[], report: Report): Map<string, NamedCount> {
  const byName = new Map<string, NamedCount & { index: number }>();
  for (const service of services) {
    if (service.name === undefined) continue;
    const earlier = byName.get(service.name);
    if (earlier !== undefined) {
      report(['services', service.index, 'name'], `The service name "${shorten(service.name)}" is already used by services[${earlier.index}]; service names must be unique.`);
      continue;
    }
    const current = { name: service.name, totalCount: service.totalCount, index: service.index };
    byName.set(service.name, current);
  }
  // Two distinct names can only produce the same instance if one is a prefix of the other; test
  // each name's prefixes rather than every pair of services.
  for (const service of byName.values()) {
    for (let length = 1; length < service.name.length; length += 1) {
      const other = byName.get(service.name.slice(0, length));
      const shared = other === undefined ? undefined : sharedInstanceName(other, service);
      if (other === undefined || shared === undefined) continue;
      const later = other.index > service.index ? other : service;
      const earlier = later === other ? service : other;
      report(['services', later.index, 'name'], `Services "${earlier.name}" and "${later.name}" would both produce an instance named "${shared}"; instance names must be unique in an execution, so rename one of them.`);
    }
  }
  return byName;
}

function checkCounts(service: LooseService, report: Report): void {
  const { essentialCount, totalCount } = service;
  if (essentialCount !== undefined && totalCount !== undefined && essentialCount > totalCount) {
    report(['services', service.index, 'essential_count'], `essential_count (${essentialCount}) must not be greater than total_count (${totalCount}).`);
  }
}

function checkLimits(service: LooseService, limits: AdminLimits, report: Report): void {
  if (service.memoryMin !== undefined && service.memoryMin > limits.maxMemoryBytes) {
    report(['services', service.index, 'resources', 'memory', 'min'], `memory.min (${service.memoryMin} bytes) is more than the administrative limit of ${limits.maxMemoryBytes} bytes per service.`);
  }
  if (service.coresMin !== undefined && service.coresMin > limits.maxCores) {
    report(['services', service.index, 'resources', 'cores', 'min'], `cores.min (${service.coresMin}) is more than the administrative limit of ${limits.maxCores} cores per service.`);
  }
}

function checkImage(service: LooseService, report: Report): void {
  if (service.image === undefined || service.image === '') return; // the schema reports it
  const parsed = parseImageReference(service.image);
  if (!parsed.ok) report(['services', service.index, 'image'], `The image reference "${shorten(service.image)}" is not well formed: ${parsed.reason}.`);
}

function checkPorts(service: LooseService, instances: InstanceLookup, report: Report): void {
  const seen = new Set<string>();
  for (const port of service.ports) {
    if (port.portNumber !== undefined && port.protocol !== undefined) {
      const key = `${port.portNumber}/${port.protocol}`;
      if (seen.has(key)) report(['services', service.index, 'ports', port.index, 'port_number'], `Port ${shorten(key)} is declared more than once in this service.`);
      seen.add(key);
    }
    if (port.urlTemplate !== undefined) {
      checkTemplate(port.urlTemplate, 'url', instances, ['services', service.index, 'ports', port.index, 'url_template'], report);
    }
  }
}

function checkEnvironment(service: LooseService, instances: InstanceLookup, report: Report): void {
  const seen = new Set<string>();
  for (const pair of service.environment) {
    if (pair.name !== undefined) {
      if (seen.has(pair.name)) report(['services', service.index, 'environment', pair.index, 0], `The environment variable ${shorten(pair.name)} is set more than once in this service.`);
      seen.add(pair.name);
    }
    if (pair.value !== undefined) {
      checkTemplate(pair.value, 'environment', instances, ['services', service.index, 'environment', pair.index, 1], report);
    }
  }
}

function checkVolumes(service: LooseService, report: Report): void {
  const seen = new Set<string>();
  for (const volume of service.volumeNames) {
    if (seen.has(volume.name)) report(['services', service.index, 'volumes', volume.index, 'name'], `The volume name "${shorten(volume.name)}" is used more than once in this service; each is mounted at /mnt/<name>.`);
    seen.add(volume.name);
  }
}

const environmentVariables = commonTemplateVariables.map((name) => `{${name}}`).join(', ');
const urlVariables = [...commonTemplateVariables, ...urlOnlyTemplateVariables].map((name) => `{${name}}`).join(', ');

function checkTemplate(template: string, kind: 'environment' | 'url', instances: InstanceLookup, path: PathSegment[], report: Report): void {
  let variables: string[];
  try {
    variables = templateVariables(template);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    report(path, error.message);
    return;
  }
  const allowed = new Set<string>(kind === 'url' ? [...commonTemplateVariables, ...urlOnlyTemplateVariables] : commonTemplateVariables);
  for (const variable of variables) {
    if (allowed.has(variable)) continue;
    if (variable.startsWith(dnsNamePrefix)) {
      const instance = variable.slice(dnsNamePrefix.length);
      if (instance === 'self' || instances === undefined || instanceExists(instance, instances)) continue;
      report(path, `The template variable {${shorten(variable)}} names the instance "${shorten(instance)}", which this ZApp does not define.`);
      continue;
    }
    const usable = kind === 'url' ? urlVariables : environmentVariables;
    report(path, `Unknown template variable {${shorten(variable)}}: ${kind === 'url' ? 'URL templates' : 'environment values'} may use ${usable}, {dns_name#self} and {dns_name#<instance>}.`);
  }
}
