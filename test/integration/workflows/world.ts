// The real execution workflow on a real Temporal dev server, with in-memory activities: what an
// execution recorded, started and removed is kept here per execution, the test stands in for the
// scheduler (it sends the scheduler's messages itself and reads what the execution told it from a
// mailbox workflow nobody runs), and it decides when a container stops. Timers are real and short.
import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { ServiceChange, StatusChange } from '../../../activities/records.js';
import type { ExitReport } from '../../../backends/contract.js';
import type { ExecutionInput, ExecutionOutcome, ExecutionProgress } from '../../../model/execution.js';
import { Failure, zoeFailure } from '../../../model/failures.js';
import type { InstancePlan } from '../../../model/instance.js';
import { executionWorkflowId, schedulerWorkflowId, taskQueue, watchTaskQueue } from '../../../model/naming.js';
import { killSignal, progressQuery, type SchedulerMessages, schedulerSignals } from '../../../workflows/messages.js';
import { buildWorkflowBundle } from '../../../worker/worker.js';
import { exitOf } from '../../helpers/execution-plans.js';
import { infraForThisFile, type SharedInfra } from '../../helpers/infra.js';

/** What one execution did, as its activities saw it. */
export class ExecutionRecord {
  statuses: StatusChange[] = [];
  services: ServiceChange[] = [];
  prepared: string[] = [];
  started: string[] = [];
  removed: string[] = [];
  /** The hosts the final removal was told to skip. */
  skippedHosts: string[] | undefined;
  /** Containers that exist (started and not removed), stopped or not, with their host. */
  containers = new Map<string, string>();
  /** Readiness waits wait for this while it is set. */
  readinessGate: Promise<void> | undefined;
  exits: ExitReport[] = [];
  wake = new Set<() => void>();

  /** The statuses recorded, in order, as `zoe get` lists them. */
  statusSequence = (): string[] => this.statuses.map((s) => s.status);
  /** One line per service record: `worker1 inactive/dead`. */
  serviceLines = (): string[] => this.services.map((s) => `${s.instance} ${s.status}/${s.backendStatus}`);
}

/** A gate the test opens when it wants: `promise` waits until `open()`. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export interface WorkflowWorld {
  deployment: string;
  start(input: ExecutionInput): Promise<Execution>;
  /** Every signal the executions sent to the scheduler, in order. */
  toScheduler(): Promise<Array<{ name: string; payload: unknown }>>;
  stop(): Promise<void>;
}

export interface Execution {
  record: ExecutionRecord;
  send<K extends keyof SchedulerMessages>(kind: K, payload: SchedulerMessages[K]): Promise<void>;
  kill(reason: string): Promise<void>;
  /** The container of `instance` stops: the watch reports it. */
  exit(instance: string, exitCode: number, oomKilled?: boolean): void;
  progress(): Promise<ExecutionProgress>;
  result(): Promise<ExecutionOutcome>;
}

export async function startWorkflowWorld(): Promise<WorkflowWorld> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const infra: SharedInfra = await infraForThisFile();
  const deployment = `w${randomBytes(4).toString('hex')}`;
  const records = new Map<number, ExecutionRecord>();
  const record = (executionId: number): ExecutionRecord => {
    let found = records.get(executionId);
    if (!found) records.set(executionId, (found = new ExecutionRecord()));
    return found;
  };

  const nativeConnection = await NativeConnection.connect({ address: infra.temporalAddress });
  const connection = await Connection.connect({ address: infra.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  // Cancellation reaches an activity with its next heartbeat: heartbeats go out at once here.
  const fast = { connection: nativeConnection, namespace: 'default', maxHeartbeatThrottleInterval: '50ms' } as const;
  const main = await Worker.create({
    ...fast, taskQueue: taskQueue(deployment), workflowBundle: await buildWorkflowBundle(), activities: stubActivities(record),
  });
  const watch = await Worker.create({ ...fast, taskQueue: watchTaskQueue(deployment), activities: { waitForExit: waitForExit(record) } });
  const running = Promise.all([main.run(), watch.run()]);
  // The scheduler's place: a workflow on a queue nobody serves, so the executions' signals to the
  // scheduler are accepted and kept in its history for the test to read.
  const mailbox = await client.workflow.start('schedulerWorkflow', {
    workflowId: schedulerWorkflowId(deployment), taskQueue: `${deployment}-nobody`, args: [{ deployment }],
  });

  return {
    deployment,
    async start(input) {
      const handle = await client.workflow.start('executionWorkflow', {
        workflowId: executionWorkflowId(deployment, input.executionId), taskQueue: taskQueue(deployment), args: [input],
      });
      const mine = record(input.executionId);
      return {
        record: mine,
        send: (kind, payload) => handle.signal(schedulerSignals[kind], payload),
        kill: (reason) => handle.signal(killSignal, { reason }),
        exit(instance, exitCode, oomKilled = false) {
          mine.exits.push(exitOf(instance, exitCode, oomKilled));
          for (const wake of mine.wake) wake();
        },
        progress: () => handle.query(progressQuery),
        result: () => handle.result() as Promise<ExecutionOutcome>,
      };
    },
    async toScheduler() {
      const history = await mailbox.fetchHistory();
      return (history.events ?? []).flatMap((event) => {
        const signalled = event.workflowExecutionSignaledEventAttributes;
        if (!signalled) return [];
        return [{ name: signalled.signalName!, payload: defaultPayloadConverter.fromPayload(signalled.input!.payloads![0]!) }];
      });
    },
    async stop() {
      await mailbox.terminate('test over').catch(() => undefined);
      main.shutdown();
      watch.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await infra.stop();
    },
  };
}

/** Waits until `check` holds; fails after `timeoutMs` naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits for `promise`, or rejects when the activity is cancelled (it heartbeats meanwhile). */
async function cancellable<T>(promise: Promise<T>): Promise<T> {
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), 20);
  try {
    return await Promise.race([promise, context.cancelled]);
  } finally {
    clearInterval(beat);
  }
}

/** The activities an execution calls, in memory; each keeps what it did in the execution's record. */
function stubActivities(record: (executionId: number) => ExecutionRecord) {
  return {
    recordStatus(change: StatusChange): Promise<void> {
      const r = record(change.executionId);
      if (!r.statuses.some((s) => s.seq === change.seq)) r.statuses.push(change);
      return Promise.resolve();
    },
    recordService(change: ServiceChange): Promise<void> {
      const r = record(change.executionId);
      if (!r.services.some((s) => s.seq === change.seq)) r.services.push(change);
      return Promise.resolve();
    },
    prepareExecution(input: { executionId: number; host: string }): Promise<void> {
      record(input.executionId).prepared.push(input.host);
      return Promise.resolve();
    },
    startContainer(input: { executionId: number; instance: InstancePlan; host: string }) {
      const r = record(input.executionId);
      const { image } = input.instance.container;
      if (image.includes('missing')) {
        return Promise.reject(zoeFailure(Failure.ImageNotFound, `image ${image} is not available on the host: build or load it there first`));
      }
      r.started.push(input.instance.instance);
      r.containers.set(input.instance.instance, input.host);
      return Promise.resolve({ backendId: `id-${input.instance.instance}`, externalAddress: '127.0.0.1', ports: [] });
    },
    async waitForReadiness(input: { executionId: number }): Promise<void> {
      const r = record(input.executionId);
      if (r.readinessGate) await cancellable(r.readinessGate);
    },
    removeContainer(input: { executionId: number; instance: string }): Promise<void> {
      const r = record(input.executionId);
      r.removed.push(input.instance);
      r.containers.delete(input.instance);
      return Promise.resolve();
    },
    /** Removes the containers on every host but the skipped ones (lost hosts cannot be reached). */
    removeExecutionContainers(input: { executionId: number; skipHosts?: string[] }): Promise<string[]> {
      const r = record(input.executionId);
      r.skippedHosts = input.skipHosts ?? [];
      const reachable = [...r.containers].filter(([, host]) => !r.skippedHosts!.includes(host)).map(([instance]) => instance);
      for (const instance of reachable) r.containers.delete(instance);
      r.removed.push(...reachable);
      return Promise.resolve(reachable);
    },
  };
}

/** The watch: the first exit the test reported for a watched instance, or null when the slice passes. */
function waitForExit(record: (executionId: number) => ExecutionRecord) {
  return async (input: { executionId: number; instances: Array<{ instance: string }>; maxWaitMs: number }): Promise<ExitReport | null> => {
    const r = record(input.executionId);
    const watched = new Set(input.instances.map((i) => i.instance));
    let timer: NodeJS.Timeout | undefined;
    let wake = (): void => undefined;
    const stopped = new Promise<ExitReport | null>((resolve) => {
      timer = setTimeout(() => resolve(null), input.maxWaitMs);
      wake = () => {
        const index = r.exits.findIndex((exit) => watched.has(exit.instance));
        if (index >= 0) resolve(r.exits.splice(index, 1)[0]!);
      };
    });
    r.wake.add(wake);
    try {
      wake();
      return await cancellable(stopped);
    } finally {
      clearTimeout(timer);
      r.wake.delete(wake);
    }
  };
}
