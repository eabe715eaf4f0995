// LDAP authentication with the original Zoe's options: bind as the service account
// (ldap-bind-user), find the entry `uid=<name>` under ldap-base-dn, then bind as that entry with the
// password. The user name only ever reaches the directory inside an EqualityFilter, which escapes
// it (RFC 4515), so `*`, `(` or `)` in a name match nothing but themselves.
//
// The role comes from the numeric group ids of the user: the values of the attribute named by
// ldap-group-name on the user's entry (gidNumber by default: the primary group), plus the
// gidNumber of every posixGroup that lists the user as a memberUid. ldap-admin-gid gives admin,
// else ldap-user-gid gives user, else ldap-guest-gid gives guest; a user in none of the three
// gets guest, as in the original.
import { AndFilter, Client, EqualityFilter, ResultCodeError, type Entry } from 'ldapts';
import type { LdapConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { AuthUnavailableError, type AuthBackend, type Verdict } from './sources.js';

const TIMEOUT_MS = 5_000;

interface DirectoryEntry {
  dn: string;
  gids: number[];
  mail: string | undefined;
  uidNumber: number | undefined;
}

function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

function numbers(list: string[]): number[] {
  return list.filter((v) => /^-?\d{1,10}$/.test(v.trim())).map((v) => Number(v.trim()));
}

export function roleForGids(config: LdapConfig, gids: number[]): { role: string; matched: boolean } {
  if (gids.includes(config.adminGid)) return { role: 'admin', matched: true };
  if (gids.includes(config.userGid)) return { role: 'user', matched: true };
  if (gids.includes(config.guestGid)) return { role: 'guest', matched: true };
  return { role: 'guest', matched: false };
}

/** An error the directory answered with (bad credentials, refused operation) rather than a network failure. */
const answered = (error: unknown): boolean => error instanceof ResultCodeError;

export function ldapBackend(config: LdapConfig, log?: Logger): AuthBackend {
  const client = () => new Client({ url: config.serverUri, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS });

  async function lookUp(username: string): Promise<DirectoryEntry[]> {
    const service = client();
    try {
      if (config.bindUser !== '') {
        try {
          await service.bind(config.bindUser, config.bindPassword);
        } catch (error) {
          throw new AuthUnavailableError(answered(error)
            ? `the LDAP server refused the bind user (${(error as Error).message}); check ZOE_LDAP_BIND_USER and ZOE_LDAP_BIND_PASSWORD`
            : `the LDAP server ${config.serverUri} does not answer (${(error as Error).message})`, { cause: error });
        }
      }
      const { searchEntries } = await service.search(config.baseDn, {
        scope: 'sub',
        filter: new EqualityFilter({ attribute: 'uid', value: username }),
        attributes: ['uid', 'mail', 'uidNumber', config.groupName],
      });
      // uid matching is case-insensitive in LDAP; Zoe user names are not, so only the exact name counts.
      const exact = searchEntries.filter((e) => values(e, 'uid').includes(username));
      const found: DirectoryEntry[] = [];
      for (const entry of exact) {
        const groups = await service.search(config.baseDn, {
          scope: 'sub',
          filter: new AndFilter({ filters: [
            new EqualityFilter({ attribute: 'objectClass', value: 'posixGroup' }),
            new EqualityFilter({ attribute: 'memberUid', value: username }),
          ] }),
          attributes: ['gidNumber'],
        });
        found.push({
          dn: entry.dn,
          gids: [...numbers(values(entry, config.groupName)), ...groups.searchEntries.flatMap((g) => numbers(values(g, 'gidNumber')))],
          mail: values(entry, 'mail')[0],
          uidNumber: numbers(values(entry, 'uidNumber'))[0],
        });
      }
      return found;
    } catch (error) {
      if (error instanceof AuthUnavailableError) throw error;
      throw new AuthUnavailableError(`the LDAP search failed (${(error as Error).message})`, { cause: error });
    } finally {
      await service.unbind().catch(() => undefined);
    }
  }

  async function passwordIsRight(dn: string, password: string): Promise<boolean> {
    const user = client();
    try {
      await user.bind(dn, password);
      return true;
    } catch (error) {
      if (answered(error)) return false;
      throw new AuthUnavailableError(`the LDAP server ${config.serverUri} does not answer (${(error as Error).message})`, { cause: error });
    } finally {
      await user.unbind().catch(() => undefined);
    }
  }

  return {
    sources: ['ldap', 'ldap+sasl'],
    provisions: 'ldap',
    async check(username, password): Promise<Verdict> {
      const entries = await lookUp(username);
      if (entries.length === 0) return { outcome: 'unknown' };
      if (entries.length > 1) {
        log?.warn('several LDAP entries have this uid: login refused', { username });
        return { outcome: 'rejected' };
      }
      const entry = entries[0]!;
      // An empty password would make an "unauthenticated bind", which some servers accept.
      if (password === '' || !(await passwordIsRight(entry.dn, password))) return { outcome: 'rejected' };
      const { role, matched } = roleForGids(config, entry.gids);
      if (!matched) log?.warn('LDAP user in none of the admin, user and guest groups: guest role', { username, gids: entry.gids });
      return { outcome: 'accepted', role, profile: { email: entry.mail, fsUid: entry.uidNumber } };
    },
  };
}
