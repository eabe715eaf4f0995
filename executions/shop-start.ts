// The ZApp a shop start request gives (spec §2.3, §2.4), once the parameters, the manifest's labels
// and the resource overrides are applied. The shop's ZApp is never modified: every step works on a
// copy.
import { Forbidden } from '../model/errors.js';
import { invalidInput } from '../model/input.js';
import { formatPath, shorten, type Problem } from '../model/problems.js';
import { GiB } from '../model/units.js';
import type { Role } from '../users/repository.js';
import type { ZApp } from '../zapps/schema.js';
import { applyParameters, withManifestLabels, type ShopZApp } from '../zapps/shop/index.js';
import type { AdminLimits } from '../zapps/validate.js';
import type { ShopStartRequest } from './schemas.js';

const isGiven = (record: Readonly<Record<string, unknown>> | undefined): boolean => record !== undefined && Object.keys(record).length > 0;

/**
 * The ZApp to submit. Parameters and resource overrides are for roles that may customise
 * resources; any other role is refused if it sends them, and starts the ZApp exactly as written
 * (as the original did: its form showed them only to such roles).
 */
export function customisedZApp(entry: ShopZApp, request: ShopStartRequest, role: Role, limits: AdminLimits): ZApp {
  const customise = isGiven(request.parameters) || isGiven(request.resources);
  if (customise && !role.can_customize_resources) {
    throw new Forbidden(`your role (${role.name}) cannot set parameters or resources; start the ZApp without them to run it as described`);
  }
  let zapp: ZApp = entry.zapp;
  if (role.can_customize_resources) {
    const applied = applyParameters(entry.zapp, entry, request.parameters ?? {}, limits);
    if (!applied.valid) throw invalidWithParameters(applied.errors);
    zapp = applied.zapp;
  }
  zapp = withManifestLabels(zapp, entry.labels);
  overrideResources(zapp, request.resources ?? {}, limits);
  return zapp;
}

/**
 * Parameter problems are named by parameter (`parameters.STEPS`); anything else is a problem of
 * the ZApp the values produced, at its path inside `application`.
 */
function invalidWithParameters(problems: Problem[]): Error {
  const ofParameters = problems[0]!.path.startsWith('parameters');
  const paths = problems.map((p) => ({
    path: p.path.startsWith('parameters') ? p.path : p.path ? `application.${p.path}` : 'application',
    message: p.message,
  }));
  return invalidInput({ what: ofParameters ? 'parameters' : 'ZApp with these parameters' }, paths);
}

/** Sets each named service's reservation (min), capped at the limits, raising max to match. Mutates `zapp`, a copy. */
function overrideResources(zapp: ZApp, overrides: NonNullable<ShopStartRequest['resources']>, limits: AdminLimits): void {
  for (const [serviceName, override] of Object.entries(overrides)) {
    const service = zapp.services.find((candidate) => candidate.name === serviceName);
    if (service === undefined) {
      throw invalidInput({ what: 'start request' }, [{
        path: formatPath(['resources', serviceName]),
        message: `This ZApp has no service "${shorten(serviceName)}" (its services: ${zapp.services.map((s) => s.name).join(', ')}).`,
      }]);
    }
    const { memory, cores } = service.resources;
    if (override.memory_gib !== undefined) {
      memory.min = Math.max(1024, Math.floor(Math.min(override.memory_gib * GiB, limits.maxMemoryBytes)));
      if (memory.max !== null && memory.max < memory.min) memory.max = memory.min;
    }
    if (override.cores !== undefined) {
      cores.min = Math.min(override.cores, limits.maxCores);
      if (cores.max !== null && cores.max < cores.min) cores.max = cores.min;
    }
  }
}
