// Administration of users, roles and quotas, with the original Zoe's protections: the `admin` role
// cannot be changed or deleted, the `default` quota cannot be renamed or deleted, the `admin` user
// cannot be deleted. Deleting a role moves its users to `user`; deleting a quota moves its users to
// `default`; deleting a user deletes its executions. Also protected here, because logins depend on
// them by name: the `user` and `guest` roles cannot be renamed or deleted.
// Who may call these is decided by the application layer (executions/administration.ts); the
// refusals here are domain errors (model/errors.ts), whoever asks.
import type pg from 'pg';
import { inTransaction, type Queryable } from '../db/pool.js';
import { Conflict, NotFound, Protected } from '../model/errors.js';
import { invalidInput } from '../model/input.js';
import { ACTIVE_STATUSES } from '../model/statuses.js';
import { hashPassword } from './passwords.js';
import { QUOTA_COLUMNS, findUserById, type Quota, type Role, type UserRow } from './repository.js';
import type { NewQuota, NewRole, NewUser, QuotaChanges, RoleChanges, UserChanges, UserFilter } from './schemas.js';

const BUILTIN_ROLES = new Set(['admin', 'user', 'guest']);

const isUniqueViolation = (error: unknown): boolean => (error as { code?: string }).code === '23505';

function assertSomething(changes: object, what: string): void {
  if (Object.values(changes).every((v) => v === undefined)) {
    throw invalidInput({ what }, [{ path: '', message: 'The body names no field to change.' }]);
  }
}

/**
 * The defined entries of a validated object. Their keys become column names: they come from the
 * strict zod schemas (users/schemas.ts), never from the request as such.
 */
function defined(values: object): Array<[string, unknown]> {
  return Object.entries(values).filter(([, v]) => v !== undefined);
}

/** `a = $2, b = $3` for the defined entries, parameters numbered from `first`. */
function setClause(changes: object, first: number): { sql: string; params: unknown[] } {
  const entries = defined(changes);
  return { sql: entries.map(([k], i) => `${k} = $${first + i}`).join(', '), params: entries.map(([, v]) => v) };
}

// ---- users

export async function listUsers(db: Queryable, filter: UserFilter): Promise<UserRow[]> {
  const entries = defined(filter);
  const where = entries.map(([k], i) => `${k} = $${i + 1}`).join(' AND ');
  return (await db.query<UserRow>(`SELECT * FROM "user" ${where ? `WHERE ${where}` : ''} ORDER BY id`, entries.map(([, v]) => v))).rows;
}

export async function getUser(db: Queryable, id: number): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!user) throw new NotFound(`user ${id}`);
  return user;
}

async function assertRoleAndQuota(db: Queryable, roleId: number | undefined, quotaId: number | undefined): Promise<void> {
  if (roleId !== undefined) await getRole(db, roleId, 'role_id');
  if (quotaId !== undefined) await getQuota(db, quotaId, 'quota_id');
}

export async function createUser(db: Queryable, input: NewUser): Promise<number> {
  await assertRoleAndQuota(db, input.role_id, input.quota_id);
  if (input.password !== undefined && input.auth_source !== 'internal') {
    throw invalidInput({ what: 'user' }, [{ path: 'password', message: `A password only applies to internal users, not ${input.auth_source} ones.` }]);
  }
  try {
    const result = await db.query<{ id: number }>(
      `INSERT INTO "user" (username, email, role_id, quota_id, auth_source, fs_uid, password)
       VALUES ($1, $2, $3, $4, $5,
               CASE WHEN $6::int = -1 THEN (SELECT GREATEST(999, COALESCE(MAX(fs_uid), 999)) + 1 FROM "user") ELSE $6::int END, $7)
       RETURNING id`,
      [input.username, input.email, input.role_id, input.quota_id, input.auth_source, input.fs_uid,
        input.password === undefined ? null : await hashPassword(input.password)],
    );
    return result.rows[0]!.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`a user named ${input.username} already exists`, 'username');
    throw error;
  }
}

export async function updateUser(db: Queryable, id: number, changes: UserChanges): Promise<void> {
  assertSomething(changes, 'user changes');
  const user = await getUser(db, id);
  await assertRoleAndQuota(db, changes.role_id, changes.quota_id);
  const source = changes.auth_source ?? user.auth_source;
  if (changes.password !== undefined && source !== 'internal') {
    throw invalidInput({ what: 'user changes' }, [{ path: 'password', message: `A password only applies to internal users; this one is ${source}.` }]);
  }
  const { password, ...rest } = changes;
  const columns: Record<string, unknown> = { ...rest };
  if (password !== undefined) columns.password = await hashPassword(password);
  else if (source !== 'internal') columns.password = null; // another source checks it now
  const { sql, params } = setClause(columns, 2);
  await db.query(`UPDATE "user" SET ${sql} WHERE id = $1`, [id, ...params]);
}

/** Deletes the user and its (ended) executions. Active executions must be terminated first. */
export async function deleteUser(pool: pg.Pool, id: number): Promise<void> {
  await inTransaction(pool, async (client) => {
    const user = (await client.query<UserRow>('SELECT * FROM "user" WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!user) throw new NotFound(`user ${id}`);
    if (user.username === 'admin') throw new Protected('the admin user cannot be deleted (it can be disabled)');
    const active = await client.query<{ id: number }>('SELECT id FROM execution WHERE user_id = $1 AND status = ANY($2) ORDER BY id',
      [id, ACTIVE_STATUSES]);
    if (active.rows.length > 0) {
      throw new Conflict(`user ${user.username} has active executions (${active.rows.map((r) => r.id).join(', ')}); ` +
        `terminate them first (zoe user-terminate ${id})`);
    }
    await client.query('DELETE FROM execution WHERE user_id = $1', [id]);
    await client.query('DELETE FROM "user" WHERE id = $1', [id]);
  });
}

// ---- roles

export async function listRoles(db: Queryable, name?: string): Promise<Role[]> {
  return (await db.query<Role>(`SELECT * FROM role ${name === undefined ? '' : 'WHERE name = $1'} ORDER BY id`,
    name === undefined ? [] : [name])).rows;
}

export async function getRole(db: Queryable, id: number, field?: string): Promise<Role> {
  const role = (await db.query<Role>('SELECT * FROM role WHERE id = $1', [id])).rows[0];
  if (!role) throw new NotFound(`role ${id}`, field);
  return role;
}

export async function createRole(db: Queryable, input: NewRole): Promise<number> {
  const entries = defined(input); // name first, then the flags given; the others default to false
  try {
    const result = await db.query<{ id: number }>(
      `INSERT INTO role (${entries.map(([k]) => k).join(', ')}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      entries.map(([, v]) => v),
    );
    return result.rows[0]!.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`a role named ${input.name} already exists`, 'name');
    throw error;
  }
}

export async function updateRole(db: Queryable, id: number, changes: RoleChanges): Promise<void> {
  assertSomething(changes, 'role changes');
  const role = await getRole(db, id);
  if (role.name === 'admin') throw new Protected('the admin role cannot be changed');
  if (changes.name !== undefined && changes.name !== role.name && BUILTIN_ROLES.has(role.name)) {
    throw new Protected(`the ${role.name} role cannot be renamed: logins refer to it by name`, 'name');
  }
  const { sql, params } = setClause(changes, 2);
  try {
    await db.query(`UPDATE role SET ${sql} WHERE id = $1`, [id, ...params]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`a role named ${changes.name} already exists`, 'name');
    throw error;
  }
}

/** Deletes a role; its users get the `user` role. */
export async function deleteRole(pool: pg.Pool, id: number): Promise<void> {
  await inTransaction(pool, async (client) => {
    const role = (await client.query<Role>('SELECT * FROM role WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!role) throw new NotFound(`role ${id}`);
    if (BUILTIN_ROLES.has(role.name)) throw new Protected(`the ${role.name} role cannot be deleted`);
    await client.query(`UPDATE "user" SET role_id = (SELECT id FROM role WHERE name = 'user') WHERE role_id = $1`, [id]);
    await client.query('DELETE FROM role WHERE id = $1', [id]);
  });
}

// ---- quotas

export async function listQuotas(db: Queryable, name?: string): Promise<Quota[]> {
  return (await db.query<Quota>(`SELECT ${QUOTA_COLUMNS} FROM quota ${name === undefined ? '' : 'WHERE name = $1'} ORDER BY id`,
    name === undefined ? [] : [name])).rows;
}

export async function getQuota(db: Queryable, id: number, field?: string): Promise<Quota> {
  const quota = (await db.query<Quota>(`SELECT ${QUOTA_COLUMNS} FROM quota WHERE id = $1`, [id])).rows[0];
  if (!quota) throw new NotFound(`quota ${id}`, field);
  return quota;
}

export async function createQuota(db: Queryable, input: NewQuota): Promise<number> {
  try {
    const result = await db.query<{ id: number }>(
      `INSERT INTO quota (name, concurrent_executions, memory, cores, runtime_limit) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [input.name, input.concurrent_executions, input.memory, input.cores, input.runtime_limit],
    );
    return result.rows[0]!.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`a quota named ${input.name} already exists`, 'name');
    throw error;
  }
}

export async function updateQuota(db: Queryable, id: number, changes: QuotaChanges): Promise<void> {
  assertSomething(changes, 'quota changes');
  const quota = await getQuota(db, id);
  if (quota.name === 'default' && changes.name !== undefined && changes.name !== 'default') {
    throw new Protected('the default quota cannot be renamed', 'name');
  }
  const { sql, params } = setClause(changes, 2);
  try {
    await db.query(`UPDATE quota SET ${sql} WHERE id = $1`, [id, ...params]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(`a quota named ${changes.name} already exists`, 'name');
    throw error;
  }
}

/** Deletes a quota; its users get the `default` quota. */
export async function deleteQuota(pool: pg.Pool, id: number): Promise<void> {
  await inTransaction(pool, async (client) => {
    const quota = (await client.query<{ name: string }>('SELECT name FROM quota WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!quota) throw new NotFound(`quota ${id}`);
    if (quota.name === 'default') throw new Protected('the default quota cannot be deleted');
    await client.query(`UPDATE "user" SET quota_id = (SELECT id FROM quota WHERE name = 'default') WHERE quota_id = $1`, [id]);
    await client.query('DELETE FROM quota WHERE id = $1', [id]);
  });
}
