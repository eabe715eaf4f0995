// The authentication back-ends behind one contract. A back-end answers one question for one login
// attempt: does this password belong to this user name? It never says why it refuses, so the API
// cannot leak whether a user exists.
import type { PasswordWork } from './passwords.js';
import type { UserRow } from './repository.js';
import { readUserFile } from './textfile.js';

/** `auth_source` values this Zoe can check (the original's `pam` and `gitlab-eurecom` are not). */
export const AUTH_SOURCES = ['internal', 'textfile', 'ldap', 'ldap+sasl'] as const;
export type AuthSourceName = (typeof AUTH_SOURCES)[number];

/**
 * The answer of a back-end for one attempt:
 * - `unknown`: the back-end has no such user; the next back-end may be asked (first login only);
 * - `rejected`: the back-end knows the user and the password is wrong;
 * - `accepted`: the password is right. `role`, when set, is the role the source assigns (text file,
 *   LDAP groups); it replaces the user's role in the database. `profile` fills a new user's row.
 */
export type Verdict =
  | { outcome: 'unknown' }
  | { outcome: 'rejected' }
  | { outcome: 'accepted'; role?: string; profile?: { email?: string; fsUid?: number } };

/** The back-end could not answer (directory unreachable, misconfigured): the API says 503, never 401. */
export class AuthUnavailableError extends Error {}

export interface AuthBackend {
  /** The `auth_source` values of the users this back-end checks. */
  readonly sources: readonly AuthSourceName[];
  /**
   * The `auth_source` recorded for a user this back-end vouches for at their first login (they get a
   * database row then); undefined: it only checks users that already have a row (internal users).
   */
  readonly provisions: AuthSourceName | undefined;
  /**
   * Checks `password` for `username`. `user` is the database row when there is one. Password
   * comparisons go through `work`, which keeps the cost of every attempt to one scrypt computation.
   * Rejects with AuthUnavailableError only when the back-end cannot answer at all.
   */
  check(username: string, password: string, user: UserRow | undefined, work: PasswordWork): Promise<Verdict>;
}

/** Users whose scrypt hash is in the database (the seeded `admin`, users created by an admin). */
export const internalBackend: AuthBackend = {
  sources: ['internal'],
  provisions: undefined,
  async check(_username, password, user, work) {
    if (!user) return { outcome: 'unknown' };
    return (await work.matches(password, user.password)) ? { outcome: 'accepted' } : { outcome: 'rejected' };
  },
};

/** Zoe's `username,password,role` text file, read at every attempt. */
export function textFileBackend(path: string): AuthBackend {
  return {
    sources: ['textfile'],
    provisions: 'textfile',
    async check(username, password, _user, work) {
      const entry = readUserFile(path).get(username);
      if (!entry) return { outcome: 'unknown' };
      return (await work.matches(password, entry.password)) ? { outcome: 'accepted', role: entry.role } : { outcome: 'rejected' };
    },
  };
}
