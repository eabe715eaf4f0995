// Users, roles and quotas in PostgreSQL.
import type { Queryable } from '../db/pool.js';

export interface Role {
  id: number;
  name: string;
  can_see_status: boolean;
  can_change_config: boolean;
  can_operate_others: boolean;
  can_delete_executions: boolean;
  can_access_api: boolean;
  can_customize_resources: boolean;
  can_access_full_zapp_shop: boolean;
}

export interface Quota {
  id: number;
  name: string;
  concurrent_executions: number;
  memory: number;
  cores: number;
  runtime_limit: number;
}

export interface UserRow {
  id: number;
  username: string;
  password: string | null;
  fs_uid: number;
  email: string | null;
  priority: number;
  enabled: boolean;
  auth_source: string;
  role_id: number;
  quota_id: number;
}

export interface AuthenticatedUser {
  user: UserRow;
  role: Role;
  quota: Quota;
}

/** Quota columns, with the BIGINT memory as a JSON number. */
export const QUOTA_COLUMNS = 'id, name, concurrent_executions, memory::float8 AS memory, cores, runtime_limit';

export async function findUser(db: Queryable, username: string): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>('SELECT * FROM "user" WHERE username = $1', [username]);
  return result.rows[0];
}

export async function findUserById(db: Queryable, id: number): Promise<UserRow | undefined> {
  return (await db.query<UserRow>('SELECT * FROM "user" WHERE id = $1', [id])).rows[0];
}

export async function loadAccount(db: Queryable, user: UserRow): Promise<AuthenticatedUser> {
  const role = await db.query<Role>('SELECT * FROM role WHERE id = $1', [user.role_id]);
  const quota = await db.query<Quota>(`SELECT ${QUOTA_COLUMNS} FROM quota WHERE id = $1`, [user.quota_id]);
  return { user, role: role.rows[0]!, quota: quota.rows[0]! };
}

export async function roleByName(db: Queryable, name: string): Promise<Role | undefined> {
  return (await db.query<Role>('SELECT * FROM role WHERE name = $1', [name])).rows[0];
}

/** Inserts a user; fs_uid -1 means the next free uid (at least 1000). Returns the existing row on a name clash. */
export async function insertUser(
  db: Queryable,
  user: { username: string; password: string | null; authSource: string; roleId: number; fsUid?: number; email?: string | null },
): Promise<UserRow> {
  const inserted = await db.query<UserRow>(
    `INSERT INTO "user" (username, password, fs_uid, auth_source, role_id, quota_id, email)
     VALUES ($1, $2, COALESCE($3, (SELECT GREATEST(999, COALESCE(MAX(fs_uid), 999)) + 1 FROM "user")), $4, $5,
             (SELECT id FROM quota WHERE name = 'default'), $6)
     ON CONFLICT (username) DO NOTHING RETURNING *`,
    [user.username, user.password, user.fsUid ?? null, user.authSource, user.roleId, user.email ?? null],
  );
  return inserted.rows[0] ?? (await findUser(db, user.username))!;
}

/** Gives the user the role `roleId` (text-file and LDAP users: the source decides at every login). */
export async function setUserRole(db: Queryable, user: UserRow, roleId: number): Promise<UserRow> {
  if (user.role_id === roleId) return user;
  await db.query('UPDATE "user" SET role_id = $2 WHERE id = $1', [user.id, roleId]);
  return { ...user, role_id: roleId };
}
