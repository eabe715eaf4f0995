// What an execution records and how it ends, in the words users read (`zoe get`, the REST API's
// events and error messages). Pure code: the program (program.ts) builds each record here, and the
// sequence number every record carries is taken here, in the order the records are written.
import type { ServiceChange, StatusChange } from '../../activities/records.js';
import type { ExitReport } from '../../backends/contract.js';
import type { ExecutionOutcome } from '../../model/execution.js';
import type { InstancePlan } from '../../model/instance.js';
import type { ExecutionStatus } from '../../model/statuses.js';
import type { ExecutionState } from './state.js';

/** Every way an execution ends, with its final status and reason. */
export const endings = {
  refused: (reason: string): ExecutionOutcome => ({ status: 'error', reason }),
  /** Killed (or cancelled) before the scheduler admitted it. */
  notAdmitted: (kill: { reason: string } | undefined): ExecutionOutcome => ({ status: 'terminated', reason: kill?.reason ?? 'ended before admission' }),
  killed: (kill: { reason: string }): ExecutionOutcome => ({ status: 'terminated', reason: kill.reason }),
  essentialExited: (exit: ExitReport): ExecutionOutcome => ({ status: 'terminated', reason: exit.description }),
  hostLost: (reason: string, instance: string): ExecutionOutcome => ({ status: 'terminated', reason: `${reason}; essential service ${instance} was on it` }),
  runtimeLimit: { status: 'terminated', reason: 'Run time quota exceeded' } as ExecutionOutcome,
  /** An activity failed for good (a missing image, a readiness timeout…): the failure's message. */
  failed: (description: string): ExecutionOutcome => ({ status: 'error', reason: description }),
  cancelled: { status: 'terminated', reason: 'execution workflow cancelled' } as ExecutionOutcome,
} as const;

export const statusMessages = {
  queued: 'waiting for the scheduler to admit the essential services',
  starting: 'essential services admitted; starting them',
  running: 'all essential services are running',
  cleaningUp: (reason: string) => `cleaning up: ${reason}`,
} as const;

/** The execution's status changes; the record of its end carries the reason as its error message. */
export function statusChange(
  state: ExecutionState, status: ExecutionStatus, message: string, times: { timeStart?: boolean; timeEnd?: boolean } = {},
): StatusChange {
  state.status = status;
  const errorMessage = times.timeEnd ? message : undefined;
  return { executionId: state.input.executionId, seq: ++state.seq, status, message, errorMessage, ...times };
}

type Change = Omit<ServiceChange, 'executionId' | 'seq' | 'serviceId' | 'instance'>;

/** One instance's change, numbered. */
export function serviceChange(state: ExecutionState, plan: InstancePlan, change: Change): ServiceChange {
  return { executionId: state.input.executionId, seq: ++state.seq, serviceId: plan.serviceId, instance: plan.instance, ...change };
}

/** What happens to one instance, in the words of its record. */
export const instanceChanges = {
  starting: (instance: string, host: string): Change => ({ status: 'starting', backendStatus: 'undefined', host, message: `starting ${instance} on ${host}` }),
  started: (instance: string, host: string, started: { backendId: string; externalAddress: string; ports: ServiceChange['ports'] }): Change => ({
    status: 'active', backendStatus: 'started', host, backendId: started.backendId, ip: started.externalAddress,
    ports: started.ports, message: `${instance} started on ${host}`,
  }),
  givenBack: (instance: string): Change => ({ status: 'inactive', backendStatus: 'destroyed', message: `${instance} given back to the scheduler` }),
  /** Elastic instances on a lost host are placed again (`restarted`); an essential one ends the execution. */
  lost: (plan: InstancePlan, reason: string): Change => ({
    status: 'inactive', backendStatus: 'undefined', restarted: !plan.essential, message: `${plan.instance}: ${reason}`,
  }),
  essentialExited: (exit: ExitReport): Change => ({
    status: 'inactive', backendStatus: exit.oomKilled ? 'oom-killed' : 'dead', exitCode: exit.exitCode, message: exit.description,
  }),
  elasticExited: (exit: ExitReport): Change => ({
    status: 'inactive', backendStatus: exit.oomKilled ? 'oom-killed' : 'dead', exitCode: exit.exitCode, restarted: true,
    message: `${exit.description.replace('essential service', 'elastic service')}; it will be started again when resources allow`,
  }),
  removed: (instance: string): Change => ({ status: 'inactive', backendStatus: 'destroyed', message: `${instance} removed` }),
} as const;
