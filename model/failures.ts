// The kinds of failure Zoe's activities report to its workflows, defined once. Each is the `type`
// of a Temporal ApplicationFailure: retry policies name them by reference (never as string
// literals), and the workflows tell them apart by it. Sandbox-safe: workflows import this module.
import { ApplicationFailure } from '@temporalio/common';

export const Failure = {
  /** The image is not on the host (or cannot be pulled): retrying cannot help. */
  ImageNotFound: 'ImageNotFound',
  /** The back-end refused the container's specification (bad command, impossible limit). */
  InvalidContainerSpec: 'InvalidContainerSpec',
  /** A container of a startup group exited before its declared ports accepted connections. */
  ServiceExitedDuringStart: 'ServiceExitedDuringStart',
  /** A startup group's declared ports did not accept connections in time (the container still runs). */
  ReadinessTimeout: 'ReadinessTimeout',
  /** The execution's row was never committed: its submission was rolled back after the workflow started. */
  ExecutionRecordMissing: 'ExecutionRecordMissing',
  /** A placement names a host this worker does not know (the host file changed under a running execution). */
  UnknownHost: 'UnknownHost',
  /** The back-end does not answer or is busy: retried with back-off, never mistaken for a dead service. */
  BackendUnavailable: 'BackendUnavailable',
} as const;

export type FailureType = (typeof Failure)[keyof typeof Failure];

/**
 * Failures no retry can cure. Every activity that starts containers lists them as non-retryable
 * (the activities also mark them so), so a start fails at once with the reason.
 */
export const NON_RETRYABLE_FAILURES: readonly FailureType[] = [
  Failure.ImageNotFound,
  Failure.InvalidContainerSpec,
  Failure.ServiceExitedDuringStart,
  Failure.ReadinessTimeout,
  Failure.ExecutionRecordMissing,
  Failure.UnknownHost,
];

/** An ApplicationFailure of one of Zoe's types; non-retryable exactly when the type is. */
export function zoeFailure(type: FailureType, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: NON_RETRYABLE_FAILURES.includes(type),
    ...(cause instanceof Error ? { cause } : {}),
  });
}

/** The failure type behind an activity failure (or an ApplicationFailure itself), if it is one of Zoe's. */
export function failureTypeOf(error: unknown): FailureType | undefined {
  const own = (error as { type?: unknown } | undefined)?.type;
  const cause = (error as { cause?: { type?: unknown } } | undefined)?.cause?.type;
  const type = typeof own === 'string' ? own : cause;
  return typeof type === 'string' && (Object.values(Failure) as string[]).includes(type) ? (type as FailureType) : undefined;
}

/** A failure's message, with its cause when that says more (activity failures wrap the real error). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : '';
  return detail && !error.message.includes(detail) ? `${error.message}: ${detail}` : error.message;
}
