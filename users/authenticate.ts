// Authentication against the configured sources, behind one function. Every failure (unknown
// user, wrong password, disabled account) gives the same answer in about the same time, so a caller
// cannot tell which: every attempt costs one scrypt computation (see PasswordWork).
//
// A user with a database row is checked by the back-end of its auth_source only. A name without a
// row is offered to the back-ends that create users at first login, in order (the text file, then
// LDAP when configured); the first that knows the name decides, and the user gets a row with that
// auth_source and the default quota.
import type pg from 'pg';
import type { LdapConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { ldapBackend } from './ldap.js';
import { PasswordWork } from './passwords.js';
import {
  findUser, insertUser, loadAccount, roleByName, setUserRole, type AuthenticatedUser, type UserRow,
} from './repository.js';
import { internalBackend, textFileBackend, type AuthBackend, type Verdict } from './sources.js';

export interface AuthSources {
  pool: pg.Pool;
  /** Zoe's `username,password,role` file. */
  authFile: string;
  /** LDAP, when configured. */
  ldap?: LdapConfig;
  log?: Logger;
}

const backendCache = new WeakMap<AuthSources, AuthBackend[]>();

export function backendsFor(sources: AuthSources): AuthBackend[] {
  let backends = backendCache.get(sources);
  if (!backends) {
    backends = [internalBackend, textFileBackend(sources.authFile)];
    if (sources.ldap) backends.push(ldapBackend(sources.ldap, sources.log));
    backendCache.set(sources, backends);
  }
  return backends;
}

/** The account for these credentials, or undefined. Rejects with AuthUnavailableError when a source cannot answer. */
export async function authenticate(sources: AuthSources, username: string, password: string): Promise<AuthenticatedUser | undefined> {
  const work = new PasswordWork();
  try {
    if (username.length === 0 || username.length > 128 || password.length > 1024 || hasControlCharacters(username)) return undefined;
    const existing = await findUser(sources.pool, username);
    const backends = backendsFor(sources);
    const candidates = existing
      ? backends.filter((b) => (b.sources as readonly string[]).includes(existing.auth_source))
      : backends.filter((b) => b.provisions !== undefined);
    for (const backend of candidates) {
      const verdict = await backend.check(username, password, existing, work);
      if (verdict.outcome === 'unknown') continue;
      // A disabled user's password is still checked above, so refusing it takes the same time.
      if (verdict.outcome === 'rejected' || (existing && !existing.enabled)) return undefined;
      return await admit(sources, username, existing, backend, verdict);
    }
    return undefined;
  } finally {
    await work.finish();
  }
}

function hasControlCharacters(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

async function admit(
  sources: AuthSources, username: string, existing: UserRow | undefined, backend: AuthBackend,
  verdict: Extract<Verdict, { outcome: 'accepted' }>,
): Promise<AuthenticatedUser | undefined> {
  const role = verdict.role === undefined ? undefined : await roleByName(sources.pool, verdict.role);
  if (verdict.role !== undefined && !role) {
    // A role name that does not exist must not turn into some default with more rights.
    sources.log?.warn('login refused: the source gives a role that does not exist', { username, role: verdict.role });
    return undefined;
  }
  let user = existing;
  if (!user) {
    user = await insertUser(sources.pool, {
      username, password: null, authSource: backend.provisions!, roleId: role?.id ?? (await roleByName(sources.pool, 'user'))!.id,
      email: verdict.profile?.email, fsUid: verdict.profile?.fsUid,
    });
    // Two first logins at once: the other one created the row; it must be the same kind of user.
    if (!(backend.sources as readonly string[]).includes(user.auth_source) || !user.enabled) return undefined;
  }
  if (role) user = await setUserRole(sources.pool, user, role.id);
  return loadAccount(sources.pool, user);
}
