// Request bodies and list filters of the user, role and quota administration (REST API 0.7,
// spec §3.1 rows 5–19), each a strict zod object with its type: an unknown field is an error.
// Callers validate with `parseInput` (model/input.ts); messages are sentences, like its own.
import { z } from 'zod';
import { AUTH_SOURCES } from './sources.js';

const dbId = z.number().int().min(1).max(2_147_483_647);
const int32 = z.number().int().min(0).max(2_147_483_647);
const name = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'Names are 1 to 64 letters, digits, dots, dashes and underscores.');

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
const username = z.string().regex(USERNAME_PATTERN, 'User names are 1 to 64 letters, digits and . _ @ -.');
const email = z.string().max(254).regex(/^[^\s@]+@[^\s@]+$/, 'Expected an e-mail address (or null).').nullable();
const password = z.string().min(8).max(1024);
const authSource = z.enum(AUTH_SOURCES);

export const NewUserSchema = z.strictObject({
  username,
  email,
  role_id: dbId,
  quota_id: dbId,
  auth_source: authSource,
  /** -1: the next free uid. */
  fs_uid: z.number().int().min(-1).max(2_147_483_647),
  /** Only for internal users (an addition: the original set it with a later update). */
  password: password.optional(),
});
export type NewUser = z.infer<typeof NewUserSchema>;

export const UserChangesSchema = z.strictObject({
  email: email.optional(),
  priority: z.number().int().min(-32768).max(32767).optional(),
  enabled: z.boolean().optional(),
  auth_source: authSource.optional(),
  quota_id: dbId.optional(),
  role_id: dbId.optional(),
  password: password.optional(),
  fs_uid: int32.optional(),
});
export type UserChanges = z.infer<typeof UserChangesSchema>;

/** What a user may change on their own record (without can_change_config). */
export const SELF_EDITABLE_USER_FIELDS: ReadonlySet<string> = new Set(['email']);

/** The seven capabilities; a new role has those not given set to false. */
const roleFlags = {
  can_see_status: z.boolean().optional(),
  can_change_config: z.boolean().optional(),
  can_operate_others: z.boolean().optional(),
  can_delete_executions: z.boolean().optional(),
  can_access_api: z.boolean().optional(),
  can_customize_resources: z.boolean().optional(),
  can_access_full_zapp_shop: z.boolean().optional(),
};
export const ROLE_FLAGS = Object.keys(roleFlags) as Array<keyof typeof roleFlags>;

export const NewRoleSchema = z.strictObject({ name, ...roleFlags });
export type NewRole = z.infer<typeof NewRoleSchema>;

export const RoleChangesSchema = z.strictObject({ name: name.optional(), ...roleFlags });
export type RoleChanges = z.infer<typeof RoleChangesSchema>;

const quotaFields = {
  concurrent_executions: int32,
  /** Bytes; 0: unlimited. */
  memory: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  cores: int32,
  /** Hours; 0: unlimited. */
  runtime_limit: int32,
};
export const NewQuotaSchema = z.strictObject({ name, ...quotaFields });
export type NewQuota = z.infer<typeof NewQuotaSchema>;

export const QuotaChangesSchema = z.strictObject({
  name: name.optional(),
  concurrent_executions: quotaFields.concurrent_executions.optional(),
  memory: quotaFields.memory.optional(),
  cores: quotaFields.cores.optional(),
  runtime_limit: quotaFields.runtime_limit.optional(),
});
export type QuotaChanges = z.infer<typeof QuotaChangesSchema>;

// Query strings: the original's filters, values as text.
const queryId = z.string().regex(/^[1-9][0-9]{0,9}$/, 'Expected a positive integer.').transform(Number);
const queryBool = z.enum(['True', 'False', 'true', 'false', '1', '0']).transform((v) => ['True', 'true', '1'].includes(v));

export const UserFilterSchema = z.strictObject({
  username: z.string().max(128).optional(),
  email: z.string().max(254).optional(),
  priority: z.string().regex(/^-?[0-9]{1,5}$/, 'Expected an integer.').transform(Number).optional(),
  enabled: queryBool.optional(),
  auth_source: z.string().max(32).optional(),
  role_id: queryId.optional(),
  quota_id: queryId.optional(),
});
export type UserFilter = z.infer<typeof UserFilterSchema>;

export const NameFilterSchema = z.strictObject({ name: z.string().max(128).optional() });
