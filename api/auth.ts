// Login on every request: HTTP Basic credentials (the original CLI sends them on every call), or the
// session cookie `zoe` that `GET /login` hands out. With an Authorization header the credentials
// decide, whatever cookie comes along.
import type { Context, Next } from 'koa';
import { authenticate, type AuthSources } from '../users/authenticate.js';
import type { AuthenticatedUser } from '../users/repository.js';
import { AuthUnavailableError } from '../users/sources.js';
import type { ApiDeps } from './deps.js';
import { Forbidden, NotAuthenticated, Unavailable } from '../model/errors.js';
import { accountForSession, SESSION_COOKIE } from './session.js';

export interface AuthState {
  account: AuthenticatedUser;
}

export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Browsers attach cookies to requests that other sites' pages make (a ZApp's web page on another
 * port of the same host, say), and CORS here answers any origin: a request that carries an Origin
 * header from elsewhere may not log in with the cookie.
 */
function sameHost(ctx: Context): boolean {
  const origin = ctx.get('origin');
  if (origin === '') return true;
  try {
    return new URL(origin).host === ctx.host;
  } catch {
    return false;
  }
}

export function authSourcesOf(deps: ApiDeps): AuthSources {
  return { pool: deps.pool, authFile: deps.config.authFile, ldap: deps.config.ldap, log: deps.log.child('auth') };
}

/** Requires a login; guests may not use the API (web only, as in the original). */
export function requireLogin(deps: ApiDeps) {
  const sources = authSourcesOf(deps);
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    let account: AuthenticatedUser | undefined;
    if (header !== '') {
      const credentials = parseBasic(header);
      if (!credentials) throw new NotAuthenticated('this request needs a login: send HTTP Basic credentials');
      try {
        account = await authenticate(sources, credentials.username, credentials.password);
      } catch (error) {
        if (error instanceof AuthUnavailableError) {
          deps.log.warn('authentication source unavailable', { error: error.message });
          throw new Unavailable('the authentication service does not answer; try again shortly');
        }
        throw error;
      }
      if (!account) throw new NotAuthenticated();
    } else {
      const cookie = ctx.cookies.get(SESSION_COOKIE);
      if (cookie === undefined) throw new NotAuthenticated('this request needs a login: send HTTP Basic credentials');
      if (!sameHost(ctx)) throw new NotAuthenticated('the session cookie is accepted from Zoe\'s own pages only: send HTTP Basic credentials');
      account = await accountForSession(deps.config, deps.pool, cookie);
      if (!account) throw new NotAuthenticated('the session is not valid or has expired: log in again');
    }
    if (account.role.name === 'guest') throw new Forbidden('guest accounts can use the web interface only, not the API');
    (ctx.state as AuthState).account = account;
    await next();
  };
}

export function accountOf(ctx: Context): AuthenticatedUser {
  return (ctx.state as AuthState).account;
}
