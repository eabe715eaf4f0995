// On first start an admin exists: its password comes from ZOE_ADMIN_PASSWORD, or is generated and
// returned once so the caller can print it (and keep it in the data directory for the CLI).
import type pg from 'pg';
import { generatePassword, hashPassword } from './passwords.js';
import { findUser, insertUser, roleByName } from './repository.js';

export async function ensureAdmin(pool: pg.Pool, configured: string | undefined): Promise<{ created: boolean; password?: string }> {
  const existing = await findUser(pool, 'admin');
  if (existing) return { created: false };
  const password = configured ?? generatePassword();
  const role = await roleByName(pool, 'admin');
  await insertUser(pool, { username: 'admin', password: await hashPassword(password), authSource: 'internal', roleId: role!.id, fsUid: 999 });
  return { created: true, password: configured === undefined ? password : undefined };
}
