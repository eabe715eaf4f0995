// Authentication against the configured sources, behind one function. Every failure (unknown
// user, wrong password, disabled account) gives the same answer, so a caller cannot tell which.
import type pg from 'pg';
import { verifyPassword } from './passwords.js';
import { findUser, insertUser, loadAccount, roleByName, type AuthenticatedUser } from './repository.js';
import { readUserFile } from './textfile.js';

export interface AuthSources {
  pool: pg.Pool;
  /** Zoe's `username,password,role` file. */
  authFile: string;
}

export async function authenticate(sources: AuthSources, username: string, password: string): Promise<AuthenticatedUser | undefined> {
  if (username.length === 0 || username.length > 128 || password.length > 1024) return undefined;
  const existing = await findUser(sources.pool, username);
  if (existing && !existing.enabled) return undefined;

  if (existing?.auth_source === 'internal') {
    return existing.password !== null && (await verifyPassword(password, existing.password))
      ? loadAccount(sources.pool, existing)
      : undefined;
  }
  if (existing === undefined || existing.auth_source === 'textfile') {
    const entry = readUserFile(sources.authFile).get(username);
    if (!entry || !(await verifyPassword(password, entry.password))) return undefined;
    // A text-file user gets a database row at first login: executions and quotas refer to it.
    const role = (await roleByName(sources.pool, entry.role)) ?? (await roleByName(sources.pool, 'user'));
    const user = existing ?? (await insertUser(sources.pool, { username, password: null, authSource: 'textfile', roleId: role!.id }));
    if (user.auth_source !== 'textfile' || !user.enabled) return undefined;
    if (role && user.role_id !== role.id) {
      await sources.pool.query('UPDATE "user" SET role_id = $2 WHERE id = $1', [user.id, role.id]);
      user.role_id = role.id;
    }
    return loadAccount(sources.pool, user);
  }
  return undefined;
}
