// Runs the execution's program (workflows/execution/program.ts) the way the workflow does, against
// a scripted world instead of Temporal: the script delivers the scheduler's messages and kills at
// the moments it chooses, answers each watch, and may fail a start. Everything the program asked
// for is kept, in order, as one readable line per command.
import type { ExitReport } from '../../../backends/contract.js';
import type { ExecutionInput, ExecutionOutcome } from '../../../model/execution.js';
import type { ExecutionStatus } from '../../../model/statuses.js';
import type { SchedulerMessage } from '../../../workflows/messages.js';
import { endings } from '../../../workflows/execution/changes.js';
import { beginStart, type Command, finishStart, type Program, queuedRecord, run, tearDown } from '../../../workflows/execution/program.js';
import {
  admissionSettled, createState, type ExecutionState, receive, requestKill,
} from '../../../workflows/execution/state.js';

/** What the world can do while the program waits. */
export interface World {
  state: ExecutionState;
  /** A message from the scheduler, through the same function the workflow's handlers call. */
  send(message: SchedulerMessage): void;
  kill(reason: string): void;
  /** Workflow time moves on. */
  advance(ms: number): void;
}

export interface Script {
  /** While the program waits for admission: it must admit, refuse or kill, or the program would wait forever. */
  queued?(world: World): void;
  /** When an instance is asked to start; a string fails the start with that message. */
  starting?(world: World, instance: string): string | void;
  /** While a startup group's ports are awaited. */
  readiness?(world: World): void;
  /**
   * The n-th watch (from 0): what stopped; 'timeout' when the slice passes (workflow time moves on
   * by it); nothing when a message sent meanwhile (`send`, `kill`) cut the watch short.
   */
  watch?(world: World, n: number, command: Extract<Command, { kind: 'watch' }>): ExitReport | 'timeout' | void;
  /** What removing everything finds (default: the running instances). */
  leftovers?(world: World): string[];
}

export interface Simulation {
  outcome: ExecutionOutcome;
  /** One line per command, e.g. `status queued`, `start web0@h1`, `service web0 active/started`. */
  commands: string[];
  statuses: ExecutionStatus[];
  /** Every record's sequence number, in order. */
  seqs: number[];
  started: string[];
  removed: string[];
  /** Instances given back to the scheduler one by one (not the release of everything at the end). */
  released: string[];
  state: ExecutionState;
}

class StartFailed extends Error {}

export function simulate(input: ExecutionInput, script: Script): Simulation {
  const state = createState(input);
  const sim: Simulation = { outcome: endings.cancelled, commands: [], statuses: [], seqs: [], started: [], removed: [], released: [], state };
  let now = 1_000_000;
  let watches = 0;
  const world: World = {
    state,
    send(message) {
      const release = receive(state, message);
      if (release.length > 0) {
        sim.commands.push(`release-instances ${release.join(',')} (at once)`);
        sim.released.push(...release);
      }
    },
    kill: (reason) => requestKill(state, reason),
    advance: (ms) => void (now += ms),
  };

  function perform(command: Command): unknown {
    switch (command.kind) {
      case 'record-status':
        sim.statuses.push(command.change.status);
        sim.seqs.push(command.change.seq);
        return note(`status ${command.change.status}: ${command.change.message}`);
      case 'record-service':
        sim.seqs.push(command.change.seq);
        return note(`service ${command.change.instance} ${command.change.status}/${command.change.backendStatus}: ${command.change.message}`);
      case 'submit': return note('submit');
      case 'await-admission':
        note('await admission');
        script.queued?.(world);
        if (!admissionSettled(state)) throw new Error('the script left the execution waiting for admission forever');
        return undefined;
      case 'prepare-host': return note(`prepare ${command.host}`);
      case 'start': {
        // As the workflow runs them side by side: every first record, every start, every second record.
        const changes = command.starts.map((start) => {
          const change = beginStart(state, start);
          sim.seqs.push(change.seq);
          note(`service ${change.instance} ${change.status}/${change.backendStatus}: ${change.message}`);
          return change;
        });
        for (const start of command.starts) {
          note(`start ${start.plan.instance}@${start.host}`);
          const failure = script.starting?.(world, start.plan.instance);
          if (typeof failure === 'string') throw new StartFailed(failure);
        }
        for (const [index, start] of command.starts.entries()) {
          const change = finishStart(state, start, { backendId: `id-${changes[index]!.instance}`, externalAddress: '127.0.0.1', ports: [] });
          sim.started.push(start.plan.instance);
          sim.seqs.push(change.seq);
          note(`service ${change.instance} ${change.status}/${change.backendStatus}: ${change.message}`);
        }
        return undefined;
      }
      case 'await-readiness':
        note(`await readiness ${command.instances.map((i) => i.plan.instance).join(',')}`);
        script.readiness?.(world);
        return undefined;
      case 'remove-instance':
        sim.removed.push(command.instance);
        return note(`remove ${command.instance}@${command.host}`);
      case 'release-instances':
        sim.released.push(...command.instances);
        return note(`release-instances ${command.instances.join(',')}`);
      case 'watch': {
        note(`watch ${command.instances.map((i) => `${i.instance}@${i.host}`).join(',')}`);
        if (!script.watch) throw new Error('the script does not say how the watch ends');
        const answer = script.watch(world, watches++, command);
        if (answer === 'timeout') now += command.maxWaitMs;
        return typeof answer === 'object' ? answer : null;
      }
      case 'remove-all': {
        const leftovers = script.leftovers?.(world) ?? state.running.map((r) => r.instance);
        sim.removed.push(...leftovers);
        note(`remove all but on [${command.skipHosts.join(',')}]: ${leftovers.join(',')}`);
        return leftovers;
      }
      case 'release': return note('release');
    }
  }

  function note(line: string): undefined {
    sim.commands.push(line);
    return undefined;
  }

  function carryOut<T>(program: Program<T>): T {
    let step = program.next();
    while (!step.done) step = program.next(perform(step.value));
    return step.value;
  }

  perform(queuedRecord(state));
  try {
    sim.outcome = carryOut(run(state, () => now));
  } catch (error) {
    // As the workflow does with an activity that failed for good.
    sim.outcome = endings.failed((error as Error).message);
  }
  carryOut(tearDown(state, sim.outcome));
  return sim;
}
