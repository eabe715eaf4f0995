// Starting a shop ZApp (spec §2.3, §2.4): the request body, and the ZApp it gives once the
// parameters, the manifest's labels and the resource overrides are applied. The shop's ZApp is
// never modified: every step works on a copy.
import { z } from 'zod';
import { formatPath, plainSentence, shorten, type ZAppProblem } from '../../model/problems.js';
import type { ZApp } from '../../zapps/schema.js';
import { applyParameters, withManifestLabels, type ShopZApp } from '../../zapps/shop/index.js';
import type { AdminLimits } from '../../zapps/validate.js';
import type { Role } from '../../users/repository.js';
import { badRequest, forbidden } from '../errors.js';
import { GiB } from '../../model/units.js';


const resourceOverride = z.strictObject({
  /** Memory reserved for each instance of the service, in GiB (the original form's unit). */
  memory_gib: z.number().positive().finite().optional(),
  cores: z.number().positive().finite().optional(),
});

export const ShopStartSchema = z.strictObject({
  name: z.string().min(1).max(128),
  /** Parameter values by parameter name; int parameters accept numbers or numeric strings. */
  parameters: z.record(z.string(), z.union([z.string().max(64 * 1024), z.number()])).optional(),
  /** Per-service overrides of the reservation, capped at the administrative limits. */
  resources: z.record(z.string(), resourceOverride).optional(),
});

export type ShopStartRequest = z.infer<typeof ShopStartSchema>;

/** The body as a start request, or a 400 naming the first wrong field (unknown fields by name). */
export function parseStartRequest(body: unknown): ShopStartRequest {
  const parsed = ShopStartSchema.safeParse(body, { error: plainSentence });
  if (parsed.success) return parsed.data;
  const problems: ZAppProblem[] = parsed.error.issues.flatMap((issue) => issue.code === 'unrecognized_keys'
    ? issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: issue.path.length === 0
        ? `Unknown field ${JSON.stringify(shorten(key))}: a start request has only name, parameters and resources.`
        : `Unknown field ${JSON.stringify(shorten(key))}: a resource override has only memory_gib and cores.`,
    }))
    : [{ path: formatPath(issue.path), message: issue.message }]);
  const first = problems[0]!;
  throw badRequest(`${first.path || 'body'}: ${first.message}`, first.path || undefined, { errors: problems });
}

const isGiven = (record: Readonly<Record<string, unknown>> | undefined): boolean => record !== undefined && Object.keys(record).length > 0;

/**
 * The ZApp to submit. Parameters and resource overrides are for roles that may customise
 * resources; any other role gets 403 if it sends them, and starts the ZApp exactly as written
 * (as the original did: its form showed them only to such roles).
 */
export function customisedZApp(entry: ShopZApp, request: ShopStartRequest, role: Role, limits: AdminLimits): ZApp {
  const customise = isGiven(request.parameters) || isGiven(request.resources);
  if (customise && !role.can_customize_resources) {
    throw forbidden(`your role (${role.name}) cannot set parameters or resources; start the ZApp without them to run it as described`);
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

function invalidWithParameters(errors: ZAppProblem[]): Error {
  // Parameter problems are named by parameter; anything else is the ZApp the values produced.
  const fieldOf = (path: string) => (path.startsWith('parameters') ? path : path ? `application.${path}` : 'application');
  const first = errors[0]!;
  const what = first.path.startsWith('parameters') ? 'invalid parameters' : 'with these parameters the ZApp is not valid';
  return badRequest(`${what}: ${errors.map((e) => `${fieldOf(e.path)}: ${e.message}`).join('; ')}`, fieldOf(first.path), { errors });
}

/** Sets each named service's reservation (min), capped at the limits, raising max to match. Mutates `zapp`, a copy. */
function overrideResources(zapp: ZApp, overrides: ShopStartRequest['resources'] & object, limits: AdminLimits): void {
  for (const [serviceName, override] of Object.entries(overrides)) {
    const service = zapp.services.find((candidate) => candidate.name === serviceName);
    if (service === undefined) {
      const path = formatPath(['resources', serviceName]);
      throw badRequest(`${path}: this ZApp has no service "${shorten(serviceName)}" (its services: ${zapp.services.map((s) => s.name).join(', ')})`, path);
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
