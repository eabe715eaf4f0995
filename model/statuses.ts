// Zoe's execution vocabulary, defined once: the statuses an execution, a service and its container
// go through. Sandbox-safe (no Node built-ins), so workflows import it like everything else does;
// the zod enums, the SQL filters (`status = ANY($1)` with these arrays) and the OpenAPI document
// derive from these lists.
import { z } from 'zod';

/** The user-visible life of an execution, as the original Zoe named it. */
export const EXECUTION_STATUSES = ['submitted', 'queued', 'starting', 'running', 'cleaning up', 'terminated', 'error'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Statuses in which an execution holds (or waits for) resources and counts against its owner's quota. */
export const ACTIVE_STATUSES = ['submitted', 'queued', 'starting', 'running', 'cleaning up'] as const satisfies readonly ExecutionStatus[];
/** Statuses an execution never leaves. */
export const FINAL_STATUSES = ['terminated', 'error'] as const satisfies readonly ExecutionStatus[];
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export const isActiveStatus = (status: string): boolean => (ACTIVE_STATUSES as readonly string[]).includes(status);
export const isFinalStatus = (status: string): status is FinalStatus => (FINAL_STATUSES as readonly string[]).includes(status);

export const ExecutionStatusSchema = z.enum(EXECUTION_STATUSES);

/** Zoe's status of one service instance (the original's service table). */
export const SERVICE_STATUSES = ['created', 'starting', 'active', 'inactive', 'error'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
export const ServiceStatusSchema = z.enum(SERVICE_STATUSES);

/** What the container back-end last reported about an instance's container (the original's `backend_status`). */
export const BACKEND_STATUSES = ['undefined', 'created', 'started', 'dead', 'destroyed', 'oom-killed'] as const;
export type BackendStatus = (typeof BACKEND_STATUSES)[number];
export const BackendStatusSchema = z.enum(BACKEND_STATUSES);

/** Back-end statuses after which the container no longer runs: its ports and address are cleared. */
export const ENDED_BACKEND_STATUSES = ['dead', 'oom-killed', 'destroyed'] as const satisfies readonly BackendStatus[];
export const hasEnded = (status: BackendStatus): boolean => (ENDED_BACKEND_STATUSES as readonly string[]).includes(status);
