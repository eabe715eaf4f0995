// Session cookies: `GET /login` hands out a cookie `zoe` that later requests may send instead of
// HTTP Basic credentials, as the original CLI did. The value is `<user id>.<expiry>.<mac>`, the mac
// an HMAC-SHA256 over the deployment, the user's id, name, auth source, stored password hash and the
// expiry, keyed with ZOE_COOKIE_SECRET or, when unset, a random secret created once per deployment
// in the data directory. So a cookie cannot be forged or altered, it ends at its expiry, and it stops
// working when its user is disabled, deleted, or given a new password.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'koa';
import type pg from 'pg';
import type { ZoeConfig } from '../config/config.js';
import { findUserById, loadAccount, type AuthenticatedUser, type UserRow } from '../users/repository.js';

export const SESSION_COOKIE = 'zoe';
export const SESSION_LIFETIME_SECONDS = 12 * 3600;

const secrets = new WeakMap<ZoeConfig, Buffer>();

/** The key that signs this deployment's cookies. */
export function sessionSecret(config: ZoeConfig): Buffer {
  let secret = secrets.get(config);
  if (secret) return secret;
  if (config.cookieSecret !== undefined) {
    secret = Buffer.from(config.cookieSecret, 'utf8');
  } else {
    const file = join(config.dataDir, `session-secret-${config.deployment}`);
    mkdirSync(config.dataDir, { recursive: true });
    try {
      // 'wx': only the first process creates it; the others (and later starts) read that one.
      writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  }
  secrets.set(config, secret);
  return secret;
}

function mac(config: ZoeConfig, user: UserRow, expires: number): string {
  return createHmac('sha256', sessionSecret(config))
    .update(['zoe-session-v1', config.deployment, user.id, user.username, user.auth_source, user.password ?? '', expires].join('\n'))
    .digest('base64url');
}

/** A cookie value for `user`, valid until `expires` (epoch seconds). */
export function sessionValue(config: ZoeConfig, user: UserRow, expires: number): string {
  return `${user.id}.${expires}.${mac(config, user, expires)}`;
}

/** The account a cookie value stands for, or undefined when it is malformed, altered, expired or its user disabled. */
export async function accountForSession(config: ZoeConfig, pool: pg.Pool, value: string, now = Date.now()): Promise<AuthenticatedUser | undefined> {
  const match = /^([1-9][0-9]{0,9})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const expires = Number(match[2]);
  if (expires * 1000 <= now) return undefined;
  const user = await findUserById(pool, Number(match[1]));
  if (!user || !user.enabled) return undefined;
  const expected = Buffer.from(mac(config, user, expires));
  const given = Buffer.from(match[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return loadAccount(pool, user);
}

/** Sets the session cookie on the response: HttpOnly, SameSite=Lax, Secure over HTTPS, expiring. */
export function setSessionCookie(ctx: Context, config: ZoeConfig, user: UserRow): void {
  const expires = Math.floor(Date.now() / 1000) + SESSION_LIFETIME_SECONDS;
  ctx.cookies.set(SESSION_COOKIE, sessionValue(config, user, expires), {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: SESSION_LIFETIME_SECONDS * 1000,
    overwrite: true,
  });
}
