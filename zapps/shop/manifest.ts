// `manifest.json` of a ZApp shop folder (spec §2.2, §2.3) as a zod schema with its types. Strict,
// like the ZApp format: a misspelt key is reported rather than silently ignored.
import { z } from 'zod';

/** Only manifest format 1 exists (`ZAPP_MANIFEST_VERSION`). */
export const manifestVersion = 1;

/**
 * A file name inside the ZApp's folder: no directory part, nothing hidden, no way up. The check
 * is repeated on the resolved path when the file is opened (safe-files.ts), which also catches
 * symbolic links.
 */
export function isPlainFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !name.startsWith('.') && !/[/\\\0]/.test(name);
}

const fileName = z.string().refine(isPlainFileName, "Must be a plain file name in the ZApp's folder (no '/', '\\', or leading '.').");

const baseParameter = z.strictObject({
  kind: z.enum(['environment', 'command', 'service_count']),
  /** Env var name for `environment`, service name for `command` and `service_count`. */
  name: z.string().min(1),
  readable_name: z.string().min(1),
  description: z.string(),
  // The docs say "integer", the code and the contrib manifests say "int": accept both.
  type: z.enum(['string', 'int', 'integer']),
  default: z.union([z.string(), z.number(), z.null()]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
});

type RawParameter = z.infer<typeof baseParameter>;

export type StringParameter = Pick<RawParameter, 'kind' | 'name' | 'readable_name' | 'description'> & {
  type: 'string';
  default: string | null;
};
export type IntParameter = Pick<RawParameter, 'kind' | 'name' | 'readable_name' | 'description'> & {
  type: 'int';
  default: number | null;
  min: number;
  max: number;
  step: number;
};
export type ShopParameter = StringParameter | IntParameter;

/** Whether an int parameter accepts `value`: an integer in [min, max] on the step grid from min. */
export function intProblem(parameter: Pick<IntParameter, 'min' | 'max' | 'step'>, value: number): string | undefined {
  if (!Number.isSafeInteger(value)) return `Must be an integer, got ${value}.`;
  if (value < parameter.min || value > parameter.max) return `Must be between ${parameter.min} and ${parameter.max}, got ${value}.`;
  if ((value - parameter.min) % parameter.step !== 0) return `Must be ${parameter.min} plus a multiple of ${parameter.step}, got ${value}.`;
  return undefined;
}

const parameterSchema = baseParameter.superRefine((p, ctx) => {
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (p.kind === 'service_count' && p.type === 'string') problem('type', 'A service_count parameter must have type "int".');
  if (p.type === 'string') {
    for (const key of ['min', 'max', 'step'] as const) {
      if (p[key] !== undefined) problem(key, `${key} applies only to int parameters.`);
    }
    if (typeof p.default === 'number') problem('default', 'The default of a string parameter must be a string or null.');
    return;
  }
  for (const key of ['min', 'max', 'step'] as const) {
    if (p[key] === undefined) problem(key, `${key} is required for int parameters.`);
    else if (!Number.isSafeInteger(p[key])) problem(key, `${key} must be an integer.`);
  }
  if (p.min === undefined || p.max === undefined || p.step === undefined) return;
  if (p.min > p.max) problem('max', 'max must not be less than min.');
  if (p.step <= 0) problem('step', 'step must be greater than 0.');
  if (typeof p.default === 'string') problem('default', 'The default of an int parameter must be a number or null.');
  if (typeof p.default === 'number' && p.step > 0) {
    const defaultProblem = intProblem({ min: p.min, max: p.max, step: p.step }, p.default);
    if (defaultProblem !== undefined) problem('default', `The default does not fit: ${defaultProblem}`);
  }
}).transform((p): ShopParameter => {
  const common = { kind: p.kind, name: p.name, readable_name: p.readable_name, description: p.description };
  if (p.type === 'string') return { ...common, type: 'string', default: typeof p.default === 'string' ? p.default : null };
  // The refinement has established that min, max and step are present.
  return { ...common, type: 'int', default: typeof p.default === 'number' ? p.default : null, min: p.min ?? 0, max: p.max ?? 0, step: p.step ?? 1 };
});

export const manifestEntrySchema = z.strictObject({
  category: z.string().min(1),
  name: z.string().min(1),
  /** The ZApp JSON file. */
  description: fileName,
  /** The markdown readme. */
  readable_descr: fileName,
  parameters: z.array(parameterSchema).superRefine((parameters, ctx) => {
    const seen = new Set<string>();
    parameters.forEach((parameter, index) => {
      if (seen.has(parameter.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `The parameter name "${parameter.name}" is used more than once in this ZApp.` });
      seen.add(parameter.name);
    });
  }),
  logo: fileName.default('logo.png'),
  /** Labels added to every service when the ZApp is started from the shop. */
  labels: z.array(z.string().min(1)).optional(),
  enabled_for: z.array(z.string()).default(['all']),
  disabled_for: z.array(z.string()).default([]),
  /** Old format (2017-2018): guests saw only ZApps with guest_access true. */
  guest_access: z.boolean().optional(),
});

export const manifestSchema = z.strictObject({
  version: z.literal(manifestVersion, { error: (issue) => (issue.input === undefined ? undefined : `Only manifest version ${manifestVersion} is supported.`) }),
  zapps: z.array(manifestEntrySchema),
});

export type ManifestEntry = z.infer<typeof manifestEntrySchema>;
export type Manifest = z.infer<typeof manifestSchema>;
