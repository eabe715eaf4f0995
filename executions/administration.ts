// User, role and quota administration as commands (spec §3.1 rows 5–19), with who may give them:
// changes need can_change_config; anyone logged in may read a role or a quota, and read their own
// user or change their own e-mail. Rights are checked before anything is looked up, so a refusal
// tells nothing about what exists. The records and their protections are in users/admin.ts.
import { Forbidden } from '../model/errors.js';
import * as accounts from '../users/admin.js';
import type { AuthenticatedUser, Quota, Role, UserRow } from '../users/repository.js';
import {
  SELF_EDITABLE_USER_FIELDS, type NewQuota, type NewRole, type NewUser, type QuotaChanges, type RoleChanges,
  type UserChanges, type UserFilter,
} from '../users/schemas.js';
import type { ExecutionDeps } from './deps.js';

type Deps = Pick<ExecutionDeps, 'pool'>;

function requireConfigRights(account: AuthenticatedUser): void {
  if (!account.role.can_change_config) throw new Forbidden('your role cannot change users, roles or quotas');
}

// ---- users

export async function getUser(deps: Deps, account: AuthenticatedUser, id: number): Promise<UserRow> {
  if (id !== account.user.id && !account.role.can_change_config) throw new Forbidden('you can see only your own user');
  return accounts.getUser(deps.pool, id);
}

/** Without can_change_config, only your own user and only the fields in SELF_EDITABLE_USER_FIELDS. */
export async function updateUser(deps: Deps, account: AuthenticatedUser, id: number, changes: UserChanges): Promise<void> {
  if (!account.role.can_change_config) {
    if (id !== account.user.id) throw new Forbidden('you can change only your own user');
    const other = Object.keys(changes).find((field) => !SELF_EDITABLE_USER_FIELDS.has(field));
    if (other !== undefined) throw new Forbidden(`you can change only your email, not ${other}`, other);
  }
  await accounts.updateUser(deps.pool, id, changes);
}

/** Deletes the user and its ended executions' records; refused while it has active executions. */
export async function deleteUser(deps: Deps, account: AuthenticatedUser, id: number): Promise<void> {
  requireConfigRights(account);
  await accounts.deleteUser(deps.pool, id);
}

export async function listUsers(deps: Deps, account: AuthenticatedUser, filter: UserFilter): Promise<UserRow[]> {
  requireConfigRights(account);
  return accounts.listUsers(deps.pool, filter);
}

export async function createUser(deps: Deps, account: AuthenticatedUser, input: NewUser): Promise<number> {
  requireConfigRights(account);
  return accounts.createUser(deps.pool, input);
}

// ---- roles

export async function getRole(deps: Deps, _account: AuthenticatedUser, id: number): Promise<Role> {
  return accounts.getRole(deps.pool, id);
}

export async function updateRole(deps: Deps, account: AuthenticatedUser, id: number, changes: RoleChanges): Promise<void> {
  requireConfigRights(account);
  await accounts.updateRole(deps.pool, id, changes);
}

/** Its users get the `user` role. */
export async function deleteRole(deps: Deps, account: AuthenticatedUser, id: number): Promise<void> {
  requireConfigRights(account);
  await accounts.deleteRole(deps.pool, id);
}

export async function listRoles(deps: Deps, account: AuthenticatedUser, name?: string): Promise<Role[]> {
  requireConfigRights(account);
  return accounts.listRoles(deps.pool, name);
}

export async function createRole(deps: Deps, account: AuthenticatedUser, input: NewRole): Promise<number> {
  requireConfigRights(account);
  return accounts.createRole(deps.pool, input);
}

// ---- quotas

export async function getQuota(deps: Deps, _account: AuthenticatedUser, id: number): Promise<Quota> {
  return accounts.getQuota(deps.pool, id);
}

export async function updateQuota(deps: Deps, account: AuthenticatedUser, id: number, changes: QuotaChanges): Promise<void> {
  requireConfigRights(account);
  await accounts.updateQuota(deps.pool, id, changes);
}

/** Its users get the `default` quota. */
export async function deleteQuota(deps: Deps, account: AuthenticatedUser, id: number): Promise<void> {
  requireConfigRights(account);
  await accounts.deleteQuota(deps.pool, id);
}

export async function listQuotas(deps: Deps, account: AuthenticatedUser, name?: string): Promise<Quota[]> {
  requireConfigRights(account);
  return accounts.listQuotas(deps.pool, name);
}

export async function createQuota(deps: Deps, account: AuthenticatedUser, input: NewQuota): Promise<number> {
  requireConfigRights(account);
  return accounts.createQuota(deps.pool, input);
}
