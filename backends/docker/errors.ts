// Engine errors are classified where they are first understood: retryable (the engine does not
// answer, or is busy) or not (the image is missing, the container spec is refused). Temporal
// retries the first kind with back-off and fails the execution on the second.
import { Failure, zoeFailure } from '../../model/failures.js';

interface DockerError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

export function engineMessage(error: unknown): string {
  const e = error as DockerError;
  return e.json?.message ?? e.message ?? String(error);
}

export function isNotFound(error: unknown): boolean {
  return (error as DockerError).statusCode === 404;
}

export function isConflict(error: unknown): boolean {
  return (error as DockerError).statusCode === 409;
}

export function isNotModified(error: unknown): boolean {
  return (error as DockerError).statusCode === 304;
}

/** Translates an engine error met while creating or starting a container. */
export function classifyStartError(error: unknown, what: string, image: string): Error {
  const e = error as DockerError;
  const message = engineMessage(error);
  if (e.statusCode === 404 && /no such image/i.test(message)) {
    return zoeFailure(Failure.ImageNotFound, `image ${image} is not available on the host: build or load it there first`);
  }
  if (e.statusCode === 400 || (e.statusCode === 500 && /invalid|minimum memory|executable file not found|no such file/i.test(message))) {
    return zoeFailure(Failure.InvalidContainerSpec, `${what}: ${message}`);
  }
  return zoeFailure(Failure.BackendUnavailable, `${what}: ${message}`, error);
}

/** Any other engine error: the engine does not answer, or failed; retried with back-off. */
export function engineUnavailable(error: unknown, what: string): Error {
  return zoeFailure(Failure.BackendUnavailable, `${what}: ${engineMessage(error)}`, error);
}
