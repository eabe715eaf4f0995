// Domain errors (model/errors.ts) mapped to HTTP, here and nowhere else. Every error response
// carries a JSON body `{error: {code, message, field?, details?}}`, and the message is also put in
// the reason phrase as the original Zoe did, so old clients keep showing it. Anything that is not
// a domain error is a bug or an outage: 500, logged with its stack, its text kept from the client.
import type { Context, Next } from 'koa';
import type { Logger } from '../log/logger.js';
import { DomainError, InvalidInput, Throttled, type DomainErrorKind } from '../model/errors.js';

/** Each kind of refusal: its status and the stable, machine-readable `code` clients test. */
export const HTTP_OF: Record<DomainErrorKind, { status: number; code: string }> = {
  invalid: { status: 400, code: 'invalid_request' },
  unauthenticated: { status: 401, code: 'unauthorized' },
  forbidden: { status: 403, code: 'forbidden' },
  protected: { status: 403, code: 'protected' },
  not_found: { status: 404, code: 'not_found' },
  quota: { status: 409, code: 'conflict' },
  conflict: { status: 409, code: 'conflict' },
  too_large: { status: 413, code: 'payload_too_large' },
  throttled: { status: 429, code: 'too_many_requests' },
  unavailable: { status: 503, code: 'unavailable' },
};

export function errorMiddleware(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof DomainError)) {
        log.error('unhandled error', { path: ctx.path, error: error instanceof Error ? error.stack : String(error) });
        reply(ctx, 500, { code: 'internal_error', message: 'internal error; the server log has the details' });
        return;
      }
      const { status, code } = HTTP_OF[error.kind];
      const body: ErrorBody = { code, message: error.message };
      if (error.field !== undefined) body.field = error.field;
      if (error instanceof InvalidInput && error.problems !== undefined) body.details = { errors: error.problems };
      reply(ctx, status, body);
      if (status === 401) ctx.set('WWW-Authenticate', 'Basic realm="zoe"');
      if (error instanceof Throttled) ctx.set('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
    }
  };
}

interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  details?: { errors: Array<{ path: string; message: string }> };
}

function reply(ctx: Context, status: number, body: ErrorBody): void {
  ctx.status = status;
  ctx.message = reasonPhrase(body.message);
  ctx.body = { error: body };
}

/** Reason phrases are one line of visible ASCII. */
function reasonPhrase(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);
}
