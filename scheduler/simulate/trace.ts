// The simulator's trace: one execution per line (JSON Lines) or a JSON array of the same objects.
// See README.md beside this file for the format.
import { z } from 'zod';
import { plainSentence } from '../../model/problems.js';
import type { ExecutionRequest, InstanceRequest } from '../types.js';
import {
  MEMORY_HINT, SimulationInputError, arrayElementLines, describeIssues, looksLikeJsonArray, parseJsonAt, parseMemory,
  withoutBom,
} from './input.js';
import { GiB } from '../../model/units.js';


const memorySchema = z.unknown().transform((value, ctx) => {
  const bytes = parseMemory(value);
  if (bytes === undefined) {
    ctx.issues.push({ code: 'custom', input: value, message: value === undefined ? 'This field is required.' : `Expected ${MEMORY_HINT}.` });
    return z.NEVER;
  }
  return bytes;
});

const serviceSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Must be a service name: letters, digits, "-", "_" or ".", starting with a letter or digit.'),
  cores: z.number().finite().min(0),
  memory: memorySchema,
  essential: z.number().int().min(0),
  elastic: z.number().int().min(0).default(0),
  labels: z.array(z.string().min(1)).default([]),
});

const executionSchema = z.strictObject({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  name: z.string().optional(),
  arrival: z.number().finite().min(0),
  runningTime: z.number().finite().positive(),
  size: z.number().finite().optional(),
  services: z.array(serviceSchema).min(1),
});

export interface TraceService {
  name: string;
  cores: number;
  /** Bytes. */
  memory: number;
  essential: number;
  elastic: number;
  labels: string[];
}

/** One execution of a trace, validated. */
export interface TraceExecution {
  id: number;
  /** Seconds from the trace's origin. */
  arrival: number;
  /** Seconds of running time with the essential instances only (see README: the elastic model). */
  runningTime: number;
  /** The SIZE policy's key: given, or Σ cores × Σ memory in GiB over every instance. */
  size: number;
  services: TraceService[];
  /** Line of the trace it came from. */
  line: number;
}

/** The instances of an execution, Zoe-style: `<service><n>`, essential ones first. */
export function instancesOf(execution: Pick<TraceExecution, 'services'>): InstanceRequest[] {
  return execution.services.flatMap((service) => Array.from({ length: service.essential + service.elastic }, (_, n) => ({
    instance: `${service.name}${n}`, memory: service.memory, cores: service.cores,
    labels: [...service.labels], essential: n < service.essential,
  })));
}

/** The request `decide` sees for an execution: submitted at its arrival (epoch ms from the trace's origin). */
export function toRequest(execution: TraceExecution): ExecutionRequest {
  return { executionId: execution.id, submittedAt: execution.arrival * 1000, size: execution.size, instances: instancesOf(execution) };
}

function validate(value: unknown, line: number, ordinal: number): TraceExecution {
  const parsed = executionSchema.safeParse(value, { error: plainSentence });
  if (!parsed.success) throw new SimulationInputError(line, describeIssues(parsed.error.issues));
  const { services } = parsed.data;
  const names = new Set<string>();
  for (const [index, service] of services.entries()) {
    if (names.has(service.name)) throw new SimulationInputError(line, `services[${index}].name: the service name ${JSON.stringify(service.name)} is used twice`);
    names.add(service.name);
  }
  if (!services.some((service) => service.essential > 0)) {
    throw new SimulationInputError(line, 'the execution has no essential instance: at least one service needs "essential" ≥ 1');
  }
  const instances = instancesOf({ services });
  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.instance)) throw new SimulationInputError(line, `two services both name an instance ${JSON.stringify(instance.instance)} (instances are <service><n>): rename one`);
    seen.add(instance.instance);
  }
  const cores = instances.reduce((sum, i) => sum + i.cores, 0);
  const memory = instances.reduce((sum, i) => sum + i.memory, 0);
  return {
    id: parsed.data.id ?? ordinal, arrival: parsed.data.arrival, runningTime: parsed.data.runningTime,
    size: parsed.data.size ?? cores * (memory / GiB), services, line,
  };
}

/**
 * Parses a trace: JSON Lines (one execution object per line; blank lines and lines starting
 * with `#` are skipped) or, when the text starts with `[`, a JSON array of the same objects.
 * Throws `SimulationInputError` with the line of the first problem. An execution without an
 * `id` gets its 1-based position in the trace; ids must be unique.
 */
export function parseTrace(text: string): TraceExecution[] {
  const source = withoutBom(text);
  const executions: TraceExecution[] = [];
  if (looksLikeJsonArray(source)) {
    const root = parseJsonAt(source);
    if (!Array.isArray(root)) throw new SimulationInputError(1, 'expected a JSON array of executions');
    const lines = arrayElementLines(source);
    root.forEach((value: unknown, index) => executions.push(validate(value, lines[index] ?? 1, index + 1)));
  } else {
    source.split('\n').forEach((raw, index) => {
      const content = raw.trim();
      if (content === '' || content.startsWith('#')) return;
      const value = parseJsonAt(content, index + 1);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new SimulationInputError(index + 1, 'expected one JSON object per line (an execution)');
      }
      executions.push(validate(value, index + 1, executions.length + 1));
    });
  }
  if (executions.length === 0) throw new SimulationInputError(0, 'the trace has no execution');
  const lineOf = new Map<number, number>();
  for (const execution of executions) {
    const first = lineOf.get(execution.id);
    if (first !== undefined) throw new SimulationInputError(execution.line, `execution id ${execution.id} is already used on line ${first}`);
    lineOf.set(execution.id, execution.line);
  }
  return executions;
}

/** One JSON Lines line per execution, the inverse of `parseTrace` (memory in bytes, no `line`). */
export function formatTrace(executions: readonly Omit<TraceExecution, 'line'>[]): string {
  return executions.map(({ id, arrival, runningTime, size, services }) => JSON.stringify({
    id, arrival, runningTime, size,
    services: services.map((s) => ({ name: s.name, cores: s.cores, memory: s.memory, essential: s.essential, elastic: s.elastic, ...(s.labels.length > 0 ? { labels: s.labels } : {}) })),
  })).join('\n') + '\n';
}
