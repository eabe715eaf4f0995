// What the scheduler carries across continue-as-new, packed: Temporal refuses a payload over 2 MB,
// and the plain ledger costs about 460 bytes per execution (keys repeated in every object, every
// instance of a service spelt out). Packed, each execution is stored once, a service's identical
// instances (`spark-worker0` … `spark-worker9`) are one run, and a placement is three values.
// `unpackCarry(packCarry(x))` deep-equals x (test/scheduler/carry.test.ts).
import type { ExecutionRequest, HeadBypass, HostCapacity, InstanceRequest, Placement } from '../../scheduler/types.js';
import type { HostHealth } from './host-health.js';
import { executionWorkflowId } from '../../model/naming.js';
import type { DrainingInstance, HeldMail, Ledger, QueuedExecution } from './ledger.js';

export interface SchedulerState extends Ledger {
  hosts: HostCapacity[];
  seed: number;
  /** How often the blocked head of the queue was bypassed: the starvation bound spans passes. */
  headBypass: HeadBypass | null;
  /** Outages of hosts that do not answer (see host-health.ts). */
  hostHealth: Record<string, HostHealth>;
  /** Sequence number of the last placement message sent (executions ignore one sent again). */
  mailSeq: number;
}

/** Consecutive instances `<prefix><first>` … `<prefix><first+count-1>` with one reservation; first −1: the name is the prefix. */
type InstanceRun = [prefix: string, first: number, count: number, memory: number, cores: number, labels: string[], essential: 0 | 1];

/** workflowId null: the deployment's standard id for the execution. */
type PackedRequest = [executionId: number, submittedAt: number, size: number, workflowId: string | null, runs: InstanceRun[]];

export interface PackedCarry {
  format: 2;
  hosts: HostCapacity[];
  seed: number;
  headBypass: HeadBypass | null;
  hostHealth: Record<string, HostHealth>;
  mailSeq: number;
  requests: PackedRequest[];
  /** Execution ids, in arrival order. */
  queue: number[];
  admitted: number[];
  /** [executionId, instance, index of the host in `hosts`, or the host name when it is not there]. */
  placements: Array<[number, string, number | string]>;
  /** Transient and small (only while elastic instances are being taken back): kept as they are. */
  draining: DrainingInstance[];
  held: HeldMail[];
}

export function packCarry(state: SchedulerState, deployment: string): PackedCarry {
  const requests = new Map<number, PackedRequest>();
  const remember = ({ workflowId, request }: QueuedExecution) => {
    if (requests.has(request.executionId)) return;
    const standard = workflowId === executionWorkflowId(deployment, request.executionId);
    requests.set(request.executionId, [request.executionId, request.submittedAt, request.size, standard ? null : workflowId, runsOf(request.instances)]);
  };
  state.queue.forEach(remember);
  state.admitted.forEach(remember);
  const hostIndex = new Map(state.hosts.map((h, i) => [h.name, i]));
  return {
    format: 2,
    hosts: state.hosts,
    seed: state.seed,
    headBypass: state.headBypass,
    hostHealth: state.hostHealth,
    mailSeq: state.mailSeq,
    requests: [...requests.values()],
    queue: state.queue.map((q) => q.request.executionId),
    admitted: state.admitted.map((a) => a.executionId),
    placements: state.placements.map((p) => [p.executionId, p.instance, hostIndex.get(p.host) ?? p.host]),
    draining: state.draining,
    held: state.held,
  };
}

export function unpackCarry(packed: PackedCarry, deployment: string): SchedulerState {
  const entries = new Map<number, QueuedExecution>();
  for (const [executionId, submittedAt, size, workflowId, runs] of packed.requests) {
    const request: ExecutionRequest = { executionId, submittedAt, size, instances: runs.flatMap(instancesOf) };
    entries.set(executionId, { workflowId: workflowId ?? executionWorkflowId(deployment, executionId), request });
  }
  const entry = (executionId: number): QueuedExecution => {
    const found = entries.get(executionId);
    if (!found) throw new Error(`the carried scheduler state has no request for execution ${executionId}`);
    return found;
  };
  const placements = packed.placements.map(([executionId, instance, host]): Placement => {
    const request = entry(executionId).request.instances.find((i) => i.instance === instance);
    if (!request) throw new Error(`the carried scheduler state places ${instance}, which execution ${executionId} does not have`);
    const hostName = typeof host === 'number' ? packed.hosts[host]!.name : host;
    return { executionId, instance, host: hostName, memory: request.memory, cores: request.cores, essential: request.essential };
  });
  return {
    hosts: packed.hosts,
    seed: packed.seed,
    headBypass: packed.headBypass,
    hostHealth: packed.hostHealth,
    mailSeq: packed.mailSeq,
    queue: packed.queue.map(entry),
    admitted: packed.admitted.map((id) => ({ executionId: id, ...entry(id) })),
    placements,
    draining: packed.draining,
    held: packed.held,
  };
}

const NUMBERED = /^(.*?)(0|[1-9]\d*)$/;

function runsOf(instances: readonly InstanceRequest[]): InstanceRun[] {
  const runs: InstanceRun[] = [];
  for (const i of instances) {
    const match = NUMBERED.exec(i.instance);
    const [prefix, number] = match ? [match[1]!, Number(match[2])] : [i.instance, -1];
    const last = runs.at(-1);
    if (last && number >= 0 && last[1] >= 0 && last[0] === prefix && last[1] + last[2] === number && last[3] === i.memory
      && last[4] === i.cores && last[6] === (i.essential ? 1 : 0) && sameLabels(last[5], i.labels)) {
      last[2] += 1;
      continue;
    }
    runs.push([prefix, number, 1, i.memory, i.cores, [...i.labels], i.essential ? 1 : 0]);
  }
  return runs;
}

function instancesOf([prefix, first, count, memory, cores, labels, essential]: InstanceRun): InstanceRequest[] {
  if (first < 0) return [{ instance: prefix, memory, cores, labels: [...labels], essential: essential === 1 }];
  return Array.from({ length: count }, (_, n) => ({
    instance: `${prefix}${first + n}`, memory, cores, labels: [...labels], essential: essential === 1,
  }));
}

const sameLabels = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((label, i) => label === b[i]);
