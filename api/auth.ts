// HTTP Basic authentication on any request (the original Zoe's CLI sends it on every call).
import type { Context, Next } from 'koa';
import { authenticate, type AuthSources } from '../users/authenticate.js';
import type { AuthenticatedUser } from '../users/repository.js';
import { forbidden, unauthorized } from './errors.js';

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

/** Requires valid credentials; guests may not use the API (web only, as in the original). */
export function requireLogin(sources: AuthSources) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const credentials = parseBasic(ctx.get('authorization'));
    if (!credentials) throw unauthorized('this request needs a login: send HTTP Basic credentials');
    const account = await authenticate(sources, credentials.username, credentials.password);
    if (!account) throw unauthorized();
    if (account.role.name === 'guest') throw forbidden('guest accounts can use the web interface only, not the API');
    (ctx.state as AuthState).account = account;
    await next();
  };
}

export function accountOf(ctx: Context): AuthenticatedUser {
  return (ctx.state as AuthState).account;
}
