// What a caller may read about executions: one with its queue position, the list with the
// original's filters, its history, endpoints, services and the DNS names of a service group. Every
// read goes through visibility.ts: someone else's reads exactly like a missing one.
import type { AuthenticatedUser } from '../users/repository.js';
import { containerName } from '../model/naming.js';
import type { ExecutionDeps } from './deps.js';
import { endpointsOf, type Endpoint } from './endpoints.js';
import {
  eventsOf, listExecutions, ownerName, portsOf, servicesOf, type EventRow, type ExecutionRow, type ServiceRow,
} from './repository.js';
import type { ListQuery } from './schemas.js';
import { schedulerSnapshot } from './statistics.js';
import { visibleExecution, visibleOwner, visibleService } from './visibility.js';

export interface ExecutionSummary {
  execution: ExecutionRow;
  serviceIds: number[];
}

export interface ExecutionDetails extends ExecutionSummary {
  /** Only while queued, when the scheduler answers: its place (1 is next) and why it waits. */
  waiting?: { position: number; reason: string };
}

export async function showExecution(deps: ExecutionDeps, account: AuthenticatedUser, id: number): Promise<ExecutionDetails> {
  const execution = await visibleExecution(deps.pool, account, id);
  const services = await servicesOf(deps.pool, [id]);
  const waiting = await waitingInfo(deps, execution);
  return { execution, serviceIds: services.map((s) => s.id), ...(waiting ? { waiting } : {}) };
}

async function waitingInfo(deps: ExecutionDeps, execution: ExecutionRow): Promise<ExecutionDetails['waiting']> {
  if (execution.status !== 'queued') return undefined;
  try {
    const waiting = (await schedulerSnapshot(deps.temporal, deps.config.deployment)).waiting.find((w) => w.executionId === execution.id);
    return waiting && { position: waiting.position, reason: waiting.reason };
  } catch {
    return undefined; // the scheduler is busy or restarting: the record alone still answers
  }
}

/** The caller's executions (everyone's, or one user's, for roles that operate others'), newest first. */
export async function listVisibleExecutions(deps: ExecutionDeps, account: AuthenticatedUser, query: ListQuery): Promise<ExecutionSummary[]> {
  const rows = await listExecutions(deps.pool, {
    userId: visibleOwner(account, query.user_id),
    status: query.status, name: query.name, limit: query.limit,
    earlierThanSubmit: query.earlier_than_submit, laterThanSubmit: query.later_than_submit,
    earlierThanStart: query.earlier_than_start, laterThanStart: query.later_than_start,
    earlierThanEnd: query.earlier_than_end, laterThanEnd: query.later_than_end,
  });
  const services = await servicesOf(deps.pool, rows.map((r) => r.id));
  return rows.map((execution) => ({
    execution,
    serviceIds: services.filter((s) => s.execution_id === execution.id).map((s) => s.id),
  }));
}

export async function executionHistory(deps: ExecutionDeps, account: AuthenticatedUser, id: number): Promise<EventRow[]> {
  await visibleExecution(deps.pool, account, id);
  return eventsOf(deps.pool, id);
}

/** The links to its published ports (only those published right now). */
export async function executionEndpoints(deps: ExecutionDeps, account: AuthenticatedUser, id: number): Promise<Endpoint[]> {
  const execution = await visibleExecution(deps.pool, account, id);
  const owner = (await ownerName(deps.pool, execution.user_id)) ?? '';
  return endpointsOf(execution, owner, await portsOf(deps.pool, id), deps.config.deployment);
}

export async function showService(deps: ExecutionDeps, account: AuthenticatedUser, id: number): Promise<ServiceRow> {
  return (await visibleService(deps.pool, account, id)).service;
}

/** The DNS names of an execution's services in one group, or of all of them (`all`). */
export async function discoverServices(deps: ExecutionDeps, account: AuthenticatedUser, executionId: number, group: string): Promise<string[]> {
  await visibleExecution(deps.pool, account, executionId);
  const services = (await servicesOf(deps.pool, [executionId])).filter((s) => group === 'all' || s.service_group === group);
  return services.map((s) => containerName(s.name, executionId, deps.config.deployment));
}
