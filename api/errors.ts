// Domain errors, mapped to HTTP in exactly one place (the middleware below). Every error response
// carries a JSON body `{error: {code, message, field?}}`, and the message is also put in the reason
// phrase as the original Zoe did, so old clients keep showing it.
import type { Context, Next } from 'koa';
import type { Logger } from '../log/logger.js';

export class ZoeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, field?: string, details?: unknown) =>
  new ZoeError(400, 'invalid_request', message, field, details);
export const unauthorized = (message = 'invalid username or password') => new ZoeError(401, 'unauthorized', message);
export const forbidden = (message: string) => new ZoeError(403, 'forbidden', message);
export const notFound = (what: string) => new ZoeError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, field?: string) => new ZoeError(409, 'conflict', message, field);
export const tooLarge = (limit: number) => new ZoeError(413, 'payload_too_large', `the request body is larger than ${limit} bytes`);
export const unavailable = (message: string) => new ZoeError(503, 'unavailable', message);

export function errorMiddleware(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (error) {
      const zoeError = error instanceof ZoeError ? error : undefined;
      if (!zoeError) log.error('unhandled error', { path: ctx.path, error: error instanceof Error ? error.stack : String(error) });
      const status = zoeError?.status ?? 500;
      const body: Record<string, unknown> = {
        code: zoeError?.code ?? 'internal_error',
        message: zoeError?.message ?? 'internal error; the server log has the details',
      };
      if (zoeError?.field !== undefined) body.field = zoeError.field;
      if (zoeError?.details !== undefined) body.details = zoeError.details;
      ctx.status = status;
      ctx.message = reasonPhrase(String(body.message));
      ctx.body = { error: body };
      if (status === 401) ctx.set('WWW-Authenticate', 'Basic realm="zoe"');
    }
  };
}

/** Reason phrases are one line of visible ASCII. */
function reasonPhrase(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);
}
