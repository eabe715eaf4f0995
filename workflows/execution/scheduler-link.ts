// The execution workflow's side of the conversation with the scheduler singleton. Signals to a
// scheduler that does not exist yet (the worker starts it) are retried on a durable timer.
import { getExternalWorkflowHandle, isCancellation, log, sleep, workflowInfo } from '@temporalio/workflow';
import type { SignalDefinition } from '@temporalio/common';
import { schedulerWorkflowId } from '../../model/naming.js';
import { releaseInstancesSignal, releaseSignal, submitSignal } from '../messages.js';
import type { ExecutionInput } from '../../model/execution.js';
import { requestOf } from '../../model/instance.js';

export interface SchedulerLink {
  submit(executionId: number, input: ExecutionInput): Promise<void>;
  release(executionId: number): Promise<void>;
  releaseInstances(executionId: number, instances: string[]): Promise<void>;
}

export function connectScheduler(deployment: string): SchedulerLink {
  const handle = getExternalWorkflowHandle(schedulerWorkflowId(deployment));

  async function deliver<Args extends unknown[]>(signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await handle.signal(signal, ...args);
        return;
      } catch (error) {
        if (isCancellation(error)) throw error;
        log.warn('the scheduler workflow is not reachable yet; retrying', { signal: signal.name, attempt });
        await sleep(Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  return {
    submit: (executionId, input) =>
      deliver(submitSignal, {
        workflowId: workflowInfo().workflowId,
        request: {
          executionId,
          submittedAt: input.submittedAt,
          size: input.size,
          instances: input.instances.map(requestOf),
        },
      }),
    release: (executionId) => deliver(releaseSignal, { executionId }),
    releaseInstances: (executionId, instances) => deliver(releaseInstancesSignal, { executionId, instances }),
  };
}
