// One workflow per execution: the Temporal wiring of the execution's program (program.ts). The
// handlers feed the scheduler's messages and kill requests into the state (state.ts); the loop
// carries out each command the program yields (records, starts, watches) with activities, signals
// to the scheduler, conditions and cancellation scopes; whatever the ending, the teardown runs in
// a non-cancellable scope and gives the resources back to the scheduler exactly once.
import {
  CancellationScope, condition, isCancellation, proxyActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SignalDefinition } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type { ServiceChange } from '../../activities/records.js';
import type { ExitReport } from '../../backends/contract.js';
import type { ExecutionInput, ExecutionOutcome } from '../../model/execution.js';
import { describeFailure, Failure, failureTypeOf, NON_RETRYABLE_FAILURES } from '../../model/failures.js';
import { watchTaskQueue } from '../../model/naming.js';
import {
  killSignal, progressQuery, SCHEDULER_MESSAGE_KINDS, type SchedulerMessage, type SchedulerMessageKind, type SchedulerMessages,
  schedulerSignals,
} from '../messages.js';
import { ZoeDeployment, ZoeOwner, ZoeState, ZoeZApp } from '../search-attributes.js';
import { endings } from './changes.js';
import { beginStart, type Command, finishStart, type Program, queuedRecord, run, type Start, tearDown } from './program.js';
import { connectScheduler } from './scheduler-link.js';
import {
  admissionSettled, createState, progressOf, receive, requestKill, type RunningInstance, watchInterrupted,
} from './state.js';

const records = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const starter = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 8,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
  },
});
// Teardown and watching retry without limit: an engine that does not answer is waited for,
// never mistaken for a dead service.
const enduringOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
} as const;
const enduring = proxyActivities<Activities>(enduringOptions);

export async function executionWorkflow(input: ExecutionInput): Promise<ExecutionOutcome> {
  const { executionId, deployment } = input;
  const state = createState(input);
  const scheduler = connectScheduler(deployment);
  // Watches wait for hours: on their own queue they never hold a slot that a start needs.
  const watcher = proxyActivities<Pick<Activities, 'waitForExit'>>({ ...enduringOptions, taskQueue: watchTaskQueue(deployment) });

  setHandler(killSignal, ({ reason }) => requestKill(state, reason));
  for (const kind of SCHEDULER_MESSAGE_KINDS) listen(kind);
  setHandler(progressQuery, () => progressOf(state));

  upsertSearchAttributes([
    { key: ZoeOwner, value: input.owner.username },
    { key: ZoeZApp, value: input.zappName },
    { key: ZoeDeployment, value: deployment },
  ]);

  try {
    await perform(queuedRecord(state));
  } catch (error) {
    // No record: the submission was rolled back after this workflow started. Nothing was
    // queued or started, so there is nothing to tear down or to record.
    if (failureTypeOf(error) === Failure.ExecutionRecordMissing) return endings.failed(describeFailure(error));
    throw error;
  }

  let outcome: ExecutionOutcome;
  try {
    outcome = await carryOut(run(state, () => Date.now()));
  } catch (error) {
    outcome = isCancellation(error) ? endings.cancelled : endings.failed(describeFailure(error));
  }
  await CancellationScope.nonCancellable(() => carryOut(tearDown(state, outcome)));
  return outcome;

  function listen<K extends SchedulerMessageKind>(kind: K): void {
    const signal: SignalDefinition<[SchedulerMessages[K]]> = schedulerSignals[kind];
    setHandler(signal, (payload) => {
      const release = receive(state, { kind, payload } as SchedulerMessage);
      // Should this fail, the release at teardown frees everything anyway.
      if (release.length > 0) scheduler.releaseInstances(executionId, release).catch(() => undefined);
    });
  }

  async function carryOut<T>(program: Program<T>): Promise<T> {
    let step = program.next();
    while (!step.done) step = program.next(await perform(step.value));
    return step.value;
  }

  async function perform(command: Command): Promise<unknown> {
    switch (command.kind) {
      case 'record-status':
        await records.recordStatus(command.change);
        // After the record: a state the database never held is not shown to operators either.
        upsertSearchAttributes([{ key: ZoeState, value: command.change.status }]);
        return undefined;
      case 'record-service': return recordService(command.change);
      case 'submit': return scheduler.submit(executionId, input);
      case 'await-admission': return condition(() => admissionSettled(state));
      case 'prepare-host': return starter.prepareExecution({ executionId, deployment, host: command.host, workspace: input.workspace });
      case 'start': return Promise.all(command.starts.map(startInstance));
      case 'await-readiness':
        return Promise.all(command.instances.map(({ plan, host }) => starter.waitForReadiness({ executionId, deployment, host, instance: plan })));
      case 'remove-instance': return enduring.removeContainer({ executionId, deployment, instance: command.instance, host: command.host });
      case 'release-instances': return scheduler.releaseInstances(executionId, command.instances);
      case 'watch': return watch(command.instances, command.maxWaitMs);
      case 'remove-all': return enduring.removeExecutionContainers({ executionId, deployment, skipHosts: command.skipHosts });
      case 'release': return scheduler.release(executionId);
    }
  }

  async function recordService(change: ServiceChange): Promise<void> {
    await records.recordService(change);
  }

  // The instances of a group start side by side, each: record, start, record.
  async function startInstance(start: Start): Promise<void> {
    await recordService(beginStart(state, start));
    const started = await starter.startContainer({
      executionId, executionName: input.name, deployment, owner: input.owner.username, instance: start.plan, host: start.host!,
    });
    await recordService(finishStart(state, start, started));
  }

  /** The first instance to stop; null when the slice passed, or when a message needs the program first. */
  async function watch(instances: RunningInstance[], maxWaitMs: number): Promise<ExitReport | null> {
    const scope = new CancellationScope();
    let settled = false;
    const seen: { exit: ExitReport | null } = { exit: null };
    const watching = scope
      .run(() => watcher.waitForExit({ executionId, deployment, instances, maxWaitMs }))
      .then((report) => void (seen.exit = report), (error: unknown) => {
        if (!isCancellation(error)) throw error;
      })
      .finally(() => void (settled = true));
    await condition(() => settled || watchInterrupted(state));
    if (!settled) scope.cancel();
    await watching;
    return seen.exit;
  }
}
