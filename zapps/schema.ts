// The v3 application description (ZApp) as zod schemas, each next to its type. Objects are
// strict, as `additionalProperties:false` in the original JSON Schema: a misspelt optional field
// (`work_dri`) is an error, not silently ignored. Rules that relate several fields (essential vs
// total, unique names, templates, limits) live in semantic.ts so they can be reported even when
// the structure is partly wrong. Pure code: no Node built-ins, so workflows may import it.
import { z } from 'zod';

const serviceNamePattern = /^[a-zA-Z0-9-]*$/;
const zappNamePattern = /^[@a-zA-Z0-9-]*$/;
/** POSIX shells and Docker accept only these as variable names. */
export const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Volumes are mounted at `/mnt/<name>`: no '/' so the mount point cannot leave /mnt. */
const volumeNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
/** `/mnt/workspace` is the user's workspace, mounted by Zoe itself. */
export const reservedVolumeName = 'workspace';

const integer = () => z.number().int();

export const portSchema = z.strictObject({
  name: z.string().min(3),
  port_number: integer().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']),
  url_template: z.string(),
  proxy: z.boolean().optional(),
});

const envPairSchema = z.tuple([
  z.string().regex(envNamePattern, 'Environment variable names must start with a letter or underscore and contain only letters, digits and underscores.'),
  z.string(),
], { error: (issue) => (issue.input === undefined ? undefined : 'Each environment entry must be a [name, value] pair of two strings.') });

export const volumeSchema = z.strictObject({
  name: z.string().min(3)
    .regex(volumeNamePattern, "Volume names must start with a letter or digit and contain only letters, digits, '.', '_' and '-'.")
    .refine((name) => name !== reservedVolumeName, `The volume name "${reservedVolumeName}" is reserved for the user workspace mounted at /mnt/workspace.`),
  path: z.string().min(2).startsWith('/', 'The host path must be absolute (start with "/").'),
  read_only: z.boolean(),
});

const memorySchema = z.strictObject({
  // A null reservation crashed the original's quota check and a 0 one blocked the queue: refuse it.
  min: z.number({ error: (issue) => (issue.input === null ? 'memory.min must be set: the scheduler cannot reserve an unknown amount' : undefined) })
    .int().min(1024, 'Must be at least 1024 bytes.'),
  // Accepted as written; the original overwrote it with the administrative limit, we do not mutate.
  max: z.number().nullable(),
});

const coresSchema = z.strictObject({
  // null means the default of 0.1 cores, applied when instances are expanded.
  min: z.number().positive('Must be greater than 0 (or null for the default of 0.1 cores).').nullable(),
  max: z.number().nullable(),
});

const resourcesSchema = z.strictObject({
  memory: memorySchema,
  cores: coresSchema,
  shm: integer().min(0).optional(),
});

const labelsSchema = z.array(z.string().min(1)).superRefine((labels, ctx) => {
  const seen = new Set<string>();
  labels.forEach((label, index) => {
    if (seen.has(label)) ctx.addIssue({ code: 'custom', path: [index], message: `The label ${JSON.stringify(label)} is listed more than once.` });
    seen.add(label);
  });
});

export const serviceSchema = z.strictObject({
  name: z.string().min(3).max(16).regex(serviceNamePattern, "Service names may contain only letters, digits and '-'."),
  image: z.string().min(1),
  monitor: z.boolean(),
  startup_order: integer(),
  essential_count: integer().min(1),
  total_count: integer().min(1),
  // Only the removed Kubernetes back-end used it; accepted so existing ZApps validate, ignored.
  replicas: integer().min(1).optional(),
  resources: resourcesSchema,
  ports: z.array(portSchema),
  environment: z.array(envPairSchema),
  volumes: z.array(volumeSchema),
  command: z.string().min(1).nullable(),
  work_dir: z.string().min(1).optional(),
  labels: labelsSchema.optional(),
  network: z.string().min(1).optional(),
});

export const zappSchema = z.strictObject({
  name: z.string().min(3).max(128).regex(zappNamePattern, "ZApp names may contain only letters, digits, '@' and '-'."),
  version: z.literal(3, { error: (issue) => (issue.input === undefined ? undefined : 'Only version 3 of the ZApp format is supported.') }),
  // Documented as "true for batch jobs"; no code reads it, kept for compatibility.
  will_end: z.boolean(),
  size: integer().min(0),
  services: z.array(serviceSchema).min(1),
});

export type ZApp = z.infer<typeof zappSchema>;
export type ZAppService = z.infer<typeof serviceSchema>;
export type ZAppPort = z.infer<typeof portSchema>;
export type ZAppVolume = z.infer<typeof volumeSchema>;
export type ZAppEnvPair = z.infer<typeof envPairSchema>;
