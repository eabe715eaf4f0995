// One workflow per execution: queue for admission, start the essential services group by group in
// `startup_order`, watch them, and on any ending (essential service exited, kill, runtime limit,
// start failure, cancellation) tear everything down in a non-cancellable scope and give the
// resources back to the scheduler exactly once.
import {
  CancellationScope, condition, isCancellation, proxyActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { ExitReport } from '../../backends/docker/watch.js';
import type { Placement } from '../../scheduler/types.js';
import { type EndRequest, startupGroups } from './helpers.js';
import { describeFailure, Failure, failureTypeOf, NON_RETRYABLE_FAILURES } from '../../model/failures.js';
import {
  admittedSignal, growSignal, hostLostSignal, killSignal, progressQuery, refusedSignal, shrinkSignal,
} from '../messages.js';
import { watchTaskQueue } from '../../model/naming.js';
import { connectScheduler } from './scheduler-link.js';
import { ZoeDeployment, ZoeOwner, ZoeState, ZoeZApp } from '../search-attributes.js';
import type { ExecutionInput, ExecutionOutcome } from '../../model/execution.js';
import type { ExecutionStatus } from '../../model/statuses.js';
import type { InstancePlan } from '../../model/instance.js';

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

/** The watch activity returns at least this often, so a long execution keeps a small history. */
const WATCH_SLICE_MS = 60 * 60 * 1000;

export async function executionWorkflow(input: ExecutionInput): Promise<ExecutionOutcome> {
  const { executionId } = input;
  const plans = new Map(input.instances.map((i) => [i.instance, i]));
  const scheduler = connectScheduler(input.deployment);
  // Watches wait for hours: on their own queue they never hold a slot that a start needs.
  const watcher = proxyActivities<Pick<Activities, 'waitForExit'>>({ ...enduringOptions, taskQueue: watchTaskQueue(input.deployment) });
  let status: ExecutionStatus = 'submitted';
  let seq = 0;
  let admitted: Placement[] | undefined;
  let refusal: string | undefined;
  let end: EndRequest | undefined;
  // Read through a function: signal handlers change `end` between awaits, which narrowing cannot see.
  const ended = (): EndRequest | undefined => end;
  let finalReason: string | undefined = undefined;
  const grants: Placement[] = [];
  const shrinks: string[] = [];
  const lostHosts: Array<{ host: string; instances: string[]; reason: string }> = [];
  const goneHosts = new Set<string>(); // lost hosts: teardown does not wait for their engines
  const running = new Map<string, string>(); // instance -> host
  const preparedHosts = new Set<string>();

  setHandler(killSignal, ({ reason }) => void (end ??= { kind: 'kill', reason }));
  // The scheduler's messages arrive in the order it sent them; one sent again is ignored.
  let lastSeq = 0;
  const fresh = (seq: number): boolean => {
    if (seq <= lastSeq) return false;
    lastSeq = seq;
    return true;
  };
  setHandler(admittedSignal, ({ placements, seq }) => void (fresh(seq) && (admitted ??= placements)));
  setHandler(refusedSignal, ({ reason }) => void (refusal ??= reason));
  setHandler(growSignal, ({ placements, seq }) => void (fresh(seq) && grants.push(...placements)));
  setHandler(shrinkSignal, ({ placements, seq }) => {
    if (!fresh(seq)) return;
    const neverStarted: string[] = [];
    for (const { instance } of placements) {
      // Granted but not started yet: simply never start it. Running: stop it in the watch loop.
      const pending = grants.findIndex((g) => g.instance === instance);
      if (pending >= 0) neverStarted.push(...grants.splice(pending, 1).map((g) => g.instance));
      else shrinks.push(instance);
    }
    // The scheduler lets nothing else start on that capacity until it hears the instance is gone.
    // (Should this fail, the release at teardown frees everything anyway.)
    if (neverStarted.length > 0) scheduler.releaseInstances(executionId, neverStarted).catch(() => undefined);
  });
  setHandler(hostLostSignal, (loss) => void lostHosts.push(loss));
  setHandler(progressQuery, () => ({ status, reason: finalReason, runningInstances: [...running.keys()] }));

  upsertSearchAttributes([
    { key: ZoeOwner, value: input.owner.username },
    { key: ZoeZApp, value: input.zappName },
    { key: ZoeDeployment, value: input.deployment },
  ]);

  try {
    await setStatus('queued', 'waiting for the scheduler to admit the essential services');
  } catch (error) {
    // No record: the submission was rolled back after this workflow started. Nothing was
    // queued or started, so there is nothing to tear down or to record.
    if (failureTypeOf(error) === Failure.ExecutionRecordMissing) return { status: 'error', reason: describeFailure(error) };
    throw error;
  }

  let outcome: ExecutionOutcome;
  try {
    await scheduler.submit(executionId, input);
    await condition(() => admitted !== undefined || refusal !== undefined || end !== undefined);
    if (refusal !== undefined) outcome = { status: 'error', reason: refusal };
    else if (admitted === undefined) outcome = { status: 'terminated', reason: end?.reason ?? 'ended before admission' };
    else outcome = await runAdmitted(admitted);
  } catch (error) {
    outcome = isCancellation(error)
      ? { status: 'terminated', reason: 'execution workflow cancelled' }
      : { status: 'error', reason: describeFailure(error) };
  }
  finalReason = outcome.reason;
  await CancellationScope.nonCancellable(() => tearDown(outcome));
  return outcome;

  async function setStatus(next: ExecutionStatus, message: string, times: { timeStart?: boolean; timeEnd?: boolean } = {}) {
    status = next;
    const errorMessage = times.timeEnd ? message : undefined;
    await records.recordStatus({ executionId, seq: ++seq, status: next, message, errorMessage, ...times });
    // After the record: a state the database never held is not shown to operators either.
    upsertSearchAttributes([{ key: ZoeState, value: next }]);
  }

  async function runAdmitted(placements: Placement[]): Promise<ExecutionOutcome> {
    await setStatus('starting', 'essential services admitted; starting them');
    const hostOf = new Map(placements.map((p) => [p.instance, p.host]));
    for (const host of new Set(placements.map((p) => p.host))) await prepareHost(host);
    const groups = startupGroups(input.instances.filter((i) => i.essential));
    for (const [index, group] of groups.entries()) {
      if (end) return { status: 'terminated', reason: end.reason };
      await Promise.all(group.map((plan) => startInstance(plan, hostOf.get(plan.instance))));
      // The next group starts once this one's declared ports accept connections.
      if (index < groups.length - 1) {
        await Promise.all(group.filter((plan) => plan.container.ports.length > 0).map((plan) =>
          starter.waitForReadiness({ executionId, deployment: input.deployment, host: running.get(plan.instance)!, instance: plan })));
      }
    }
    if (end) return { status: 'terminated', reason: end.reason };
    await setStatus('running', 'all essential services are running', { timeStart: true });
    return watch();
  }

  async function prepareHost(host: string): Promise<void> {
    if (preparedHosts.has(host)) return;
    await starter.prepareExecution({ executionId, deployment: input.deployment, host, workspace: input.workspace });
    preparedHosts.add(host);
  }

  async function startInstance(plan: InstancePlan, host: string | undefined): Promise<void> {
    if (host === undefined) throw new Error(`the scheduler sent no placement for ${plan.instance}`);
    await recordService(plan, { status: 'starting', backendStatus: 'undefined', host, message: `starting ${plan.instance} on ${host}` });
    const started = await starter.startContainer({
      executionId, executionName: input.name, deployment: input.deployment, owner: input.owner.username, instance: plan, host,
    });
    running.set(plan.instance, host);
    await recordService(plan, {
      status: 'active', backendStatus: 'started', host, backendId: started.backendId, ip: started.externalAddress,
      ports: started.ports, message: `${plan.instance} started on ${host}`,
    });
  }

  /** Starts granted elastic instances and stops shrunk ones, between two watches. */
  async function applyElasticChanges(): Promise<void> {
    while (shrinks.length > 0) {
      const instance = shrinks.shift()!;
      const plan = plans.get(instance);
      const host = running.get(instance);
      if (plan?.essential !== false) continue; // the scheduler never shrinks essentials
      if (host === undefined) {
        // Already gone (it died and was released): the scheduler still waits for the word.
        await scheduler.releaseInstances(executionId, [instance]);
        continue;
      }
      await enduring.removeContainer({ executionId, deployment: input.deployment, instance, host });
      running.delete(instance);
      await recordService(plan, { status: 'inactive', backendStatus: 'destroyed', message: `${instance} given back to the scheduler` });
      await scheduler.releaseInstances(executionId, [instance]);
    }
    while (grants.length > 0 && !end) {
      const grant = grants.shift()!;
      const plan = plans.get(grant.instance);
      if (!plan || running.has(plan.instance)) continue;
      await prepareHost(grant.host);
      await startInstance(plan, grant.host);
    }
  }

  async function watch(): Promise<ExecutionOutcome> {
    const deadline = input.runtimeLimitMs > 0 ? Date.now() + input.runtimeLimitMs : undefined;
    for (;;) {
      await applyElasticChanges();
      if (end) return { status: 'terminated', reason: end.reason };
      const watched = [...running.entries()].map(([instance, host]) => ({ instance, host }));
      const slice = deadline === undefined ? WATCH_SLICE_MS : Math.min(WATCH_SLICE_MS, Math.max(0, deadline - Date.now()));
      const scope = new CancellationScope();
      let settled = false;
      const seen: { exit: ExitReport | null } = { exit: null };
      const watching = scope
        .run(() => watcher.waitForExit({ executionId, deployment: input.deployment, instances: watched, maxWaitMs: slice }))
        .then((report) => void (seen.exit = report), (error: unknown) => {
          if (!isCancellation(error)) throw error;
        })
        .finally(() => void (settled = true));
      await condition(() => settled || end !== undefined || grants.length > 0 || shrinks.length > 0 || lostHosts.length > 0);
      if (!settled) scope.cancel();
      await watching;
      const request = ended();
      if (request) return { status: 'terminated', reason: request.reason };
      const loss = await handleLostHosts();
      if (loss) return loss;
      const stopped = seen.exit;
      if (stopped !== null) {
        if (plans.get(stopped.instance)?.essential !== false) return serviceExited(stopped);
        await elasticExited(stopped);
      }
      if (deadline !== undefined && Date.now() >= deadline) return { status: 'terminated', reason: 'Run time quota exceeded' };
    }
  }

  /**
   * A lost host took its instances with it: an essential one ends the execution with the reason;
   * elastic ones are forgotten (the scheduler already queued them to be placed again).
   */
  async function handleLostHosts(): Promise<ExecutionOutcome | undefined> {
    while (lostHosts.length > 0) {
      const loss = lostHosts.shift()!;
      goneHosts.add(loss.host);
      for (const instance of loss.instances) {
        const plan = plans.get(instance);
        if (!plan || running.get(instance) !== loss.host) continue;
        running.delete(instance);
        await recordService(plan, { status: 'inactive', backendStatus: 'undefined', restarted: !plan.essential, message: `${instance}: ${loss.reason}` });
        if (plan.essential) return { status: 'terminated', reason: `${loss.reason}; essential service ${instance} was on it` };
      }
    }
    return undefined;
  }

  /** An elastic instance that stops is not the end: its resources go back and it is placed again. */
  async function elasticExited(exit: ExitReport): Promise<void> {
    const plan = plans.get(exit.instance)!;
    const host = running.get(exit.instance)!;
    await enduring.removeContainer({ executionId, deployment: input.deployment, instance: exit.instance, host });
    running.delete(exit.instance);
    await recordService(plan, {
      status: 'inactive', backendStatus: exit.oomKilled ? 'oom-killed' : 'dead', exitCode: exit.exitCode, restarted: true,
      message: `${exit.description.replace('essential service', 'elastic service')}; it will be started again when resources allow`,
    });
    await scheduler.releaseInstances(executionId, [exit.instance]);
  }

  async function serviceExited(exit: ExitReport): Promise<ExecutionOutcome> {
    const plan = plans.get(exit.instance);
    if (plan) {
      running.delete(exit.instance);
      await recordService(plan, {
        status: 'inactive', backendStatus: exit.oomKilled ? 'oom-killed' : 'dead', exitCode: exit.exitCode, message: exit.description,
      });
    }
    return { status: 'terminated', reason: exit.description };
  }

  async function tearDown(result: ExecutionOutcome): Promise<void> {
    if (status !== 'queued' && status !== 'submitted') await setStatus('cleaning up', `cleaning up: ${result.reason}`);
    const removed = await enduring.removeExecutionContainers({ executionId, deployment: input.deployment, skipHosts: [...goneHosts] });
    for (const instance of new Set([...removed, ...running.keys()])) {
      const plan = plans.get(instance);
      if (plan) await recordService(plan, { status: 'inactive', backendStatus: 'destroyed', message: `${instance} removed` });
    }
    running.clear();
    await scheduler.release(executionId);
    await setStatus(result.status, result.reason, { timeEnd: true });
  }

  async function recordService(plan: InstancePlan, change: Omit<Parameters<Activities['recordService']>[0], 'executionId' | 'seq' | 'serviceId' | 'instance'>) {
    await records.recordService({ executionId, seq: ++seq, serviceId: plan.serviceId, instance: plan.instance, ...change });
  }
}
