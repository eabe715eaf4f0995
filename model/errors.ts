// The refusals of Zoe's application layer, as domain errors. Code that understands a problem first
// throws one of these; `api/errors.ts` alone turns them into HTTP statuses, and the web pages show
// their messages. Each carries a plain sentence saying what to do next, and the field it is about.
import type { Problem } from './problems.js';

export type DomainErrorKind =
  | 'invalid' | 'unauthenticated' | 'forbidden' | 'protected' | 'not_found' | 'quota' | 'conflict'
  | 'too_large' | 'throttled' | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is wrong: `field` is its path (`application.services[0].image`), `problems` every one found. */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid';
  constructor(message: string, field?: string, readonly problems?: Problem[]) {
    super(message, field);
  }
}

/** No valid login came with the request. */
export class NotAuthenticated extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(message = 'invalid username or password') {
    super(message);
  }
}

/** The caller is known but its role may not do this. */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}

/** Built-in records (the admin user and role, the default quota) cannot be changed this way. */
export class Protected extends DomainError {
  readonly kind = 'protected';
}

/** Missing, or not the caller's to see: both read the same, so ids leak nothing. */
export class NotFound extends DomainError {
  readonly kind = 'not_found';
  constructor(readonly what: string, field?: string) {
    super(`${what} not found`, field);
  }
}

/** The caller's quota does not allow it now. */
export class QuotaExceeded extends DomainError {
  readonly kind = 'quota';
}

/** The request contradicts the current state (a duplicate name, deleting a running execution). */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
}

export class TooLarge extends DomainError {
  readonly kind = 'too_large';
  constructor(readonly limitBytes: number) {
    super(`the request body is larger than ${limitBytes} bytes`);
  }
}

/** Too many attempts: try again after `retryAfterSeconds`. */
export class Throttled extends DomainError {
  readonly kind = 'throttled';
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** A component Zoe depends on does not answer; the same request may work shortly. */
export class Unavailable extends DomainError {
  readonly kind = 'unavailable';
}
