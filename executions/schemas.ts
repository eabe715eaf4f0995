// The input of the commands users and admins give, as strict zod schemas. A caller (a REST route,
// a web page) validates what it received with `parseInput(schema, value, …)` before calling the
// application function, so every refusal of bad input names its field the same way; the OpenAPI
// document is generated from these same schemas. User, role and quota bodies are in users/schemas.ts.
import { z } from 'zod';
import { describeValue } from '../model/problems.js';
import { ExecutionStatusSchema } from '../model/statuses.js';

/** Ids are PostgreSQL INT columns. */
export const MAX_ID = 2_147_483_647;

/** A record id as it comes in a path or a query string: digits only, 1 to 2^31 - 1. */
export const IdTextSchema = z.string()
  .regex(/^[1-9][0-9]{0,9}$/, { error: (issue) => `Expected a positive integer, got ${describeValue(issue.input)}.` })
  .transform(Number)
  .refine((id) => id <= MAX_ID, { error: `Must be at most ${MAX_ID}.` });

/** `<folder>-<index>`: the shop loader's folder names (lowercase, digits, '_', '.', '-') and an index. */
export const SHOP_ID_PATTERN = /^[0-9a-z][0-9a-z_.-]{0,254}-[0-9]{1,6}$/;
export const ShopIdSchema = z.string().regex(SHOP_ID_PATTERN, {
  error: (issue) => `Expected a ZApp shop id <folder>-<number>, like zapp-spark-0; got ${describeValue(issue.input)}.`,
});

/** A service group of an execution, or `all`. */
export const ServiceGroupSchema = z.string().min(1).max(128);

const executionName = z.string().min(1).max(128);

/** `POST /execution`: the ZApp is checked against the format (and the limits) by `submitExecution`. */
export const StartRequestSchema = z.strictObject({
  application: z.unknown().refine((value) => value !== undefined, 'This field is required: the ZApp description.'),
  name: executionName,
});
export type StartRequest = z.output<typeof StartRequestSchema>;

/** `POST /execution/restart/ID`: the new execution's name, when not the old one's. */
export const RestartRequestSchema = z.strictObject({ name: executionName.optional() });
export type RestartRequest = z.output<typeof RestartRequestSchema>;

/** Query-string integers, checked as text so a refusal shows what was sent. */
function integerText(min: number, max: number) {
  return z.string()
    .regex(/^-?[0-9]{1,16}$/, { error: (issue) => `Expected an integer, got ${describeValue(issue.input)}.` })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** Epoch seconds (UTC, fractions allowed), as the original's time filters. */
const epochText = z.string()
  .refine((text) => text.trim() !== '' && Number.isFinite(Number(text)), {
    error: (issue) => `Expected a time in epoch seconds, got ${describeValue(issue.input)}.`,
  })
  .transform((text) => new Date(Number(text) * 1000));

/** `GET /execution`: the original's filters. `user_id` counts only for roles that see everyone's. */
export const ListQuerySchema = z.strictObject({
  status: ExecutionStatusSchema.optional(),
  name: z.string().max(128).optional(),
  user_id: IdTextSchema.optional(),
  limit: integerText(1, 10_000).optional(),
  earlier_than_submit: epochText.optional(),
  earlier_than_start: epochText.optional(),
  earlier_than_end: epochText.optional(),
  later_than_submit: epochText.optional(),
  later_than_start: epochText.optional(),
  later_than_end: epochText.optional(),
});
export type ListQuery = z.output<typeof ListQuerySchema>;

/** `GET /service/logs/ID`: `follow=0` (or `false`) for what is there now; live otherwise. */
export const ServiceLogQuerySchema = z.strictObject({
  follow: z.enum(['0', '1', 'false', 'true']).optional().transform((value) => value !== '0' && value !== 'false'),
});

/** A strict object's own sentence for unknown fields (see model/problems.ts): says what it holds. */
const holds = (sentence: string) => ({
  error: (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? sentence : undefined),
});

const resourceOverride = z.strictObject({
  /** Memory reserved for each instance of the service, in GiB (the original form's unit). */
  memory_gib: z.number().positive().finite().optional(),
  cores: z.number().positive().finite().optional(),
}, holds('a resource override has only memory_gib and cores.'));

/** `POST /zapp_shop/ID/start`. */
export const ShopStartSchema = z.strictObject({
  name: executionName,
  /** Parameter values by parameter name; int parameters accept numbers or numeric strings. */
  parameters: z.record(z.string(), z.union([z.string().max(64 * 1024), z.number()])).optional(),
  /** Per-service overrides of the reservation, capped at the administrative limits. */
  resources: z.record(z.string(), resourceOverride).optional(),
}, holds('a start request has only name, parameters and resources.'));
export type ShopStartRequest = z.output<typeof ShopStartSchema>;
