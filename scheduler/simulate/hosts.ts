// The simulator's hosts: a JSON array `{name, cores, memory, labels}` or the original Zoe INI host
// file with `cores` and `memory` keys added. See README.md beside this file.
import { z } from 'zod';
import { HostFileError, lookup, parseIni, splitLabels } from '../../config/host-file.js';
import { plainSentence } from '../../model/problems.js';
import type { HostCapacity } from '../types.js';
import {
  MEMORY_HINT, SimulationInputError, arrayElementLines, describeIssues, looksLikeJsonArray, parseJsonAt, parseMemory,
  withoutBom,
} from './input.js';

const hostSchema = z.strictObject({
  name: z.string().min(1),
  cores: z.number().finite().positive(),
  memory: z.unknown().transform((value, ctx) => {
    const bytes = parseMemory(value);
    if (bytes === undefined || bytes <= 0) {
      ctx.issues.push({ code: 'custom', input: value, message: value === undefined ? 'This field is required.' : `Expected a positive amount: ${MEMORY_HINT}.` });
      return z.NEVER;
    }
    return bytes;
  }),
  labels: z.array(z.string().min(1)).default([]),
});

function fromJson(text: string): { host: HostCapacity; line: number }[] {
  const root = parseJsonAt(text);
  if (!Array.isArray(root)) throw new SimulationInputError(1, 'expected a JSON array of hosts');
  const lines = arrayElementLines(text);
  return root.map((value: unknown, index) => {
    const line = lines[index] ?? 1;
    const parsed = hostSchema.safeParse(value, { error: plainSentence });
    if (!parsed.success) throw new SimulationInputError(line, describeIssues(parsed.error.issues));
    return { host: { ...parsed.data, online: true }, line };
  });
}

function fromIni(text: string): { host: HostCapacity; line: number }[] {
  let file;
  try {
    file = parseIni(text);
  } catch (error) {
    if (error instanceof HostFileError) throw new SimulationInputError(error.line, error.reason);
    throw error;
  }
  return file.sections.map((section) => {
    const need = (key: string) => {
      const found = lookup(file, section, key);
      if (found === undefined) throw new SimulationInputError(section.line, `host [${section.name}] is missing the required key "${key}" (the simulator needs cores and memory)`);
      return found;
    };
    const cores = need('cores');
    const coreCount = Number(cores.value);
    if (cores.value === '' || !Number.isFinite(coreCount) || coreCount <= 0) {
      throw new SimulationInputError(cores.line, `host [${section.name}]: cores must be a positive number, got ${JSON.stringify(cores.value)}`);
    }
    const memory = need('memory');
    const bytes = parseMemory(/^\s*\d+(\.\d+)?\s*$/.test(memory.value) ? Number(memory.value) : memory.value);
    if (bytes === undefined || bytes <= 0) {
      throw new SimulationInputError(memory.line, `host [${section.name}]: memory must be a positive amount: bytes, or a number with a unit such as 128GiB (B, KiB, MiB, GiB, TiB); got ${JSON.stringify(memory.value)}`);
    }
    return { host: { name: section.name, cores: coreCount, memory: bytes, labels: splitLabels(lookup(file, section, 'labels')?.value ?? ''), online: true }, line: section.line };
  });
}

/**
 * Parses the simulator's host list: a JSON array when the text starts with `[`, the INI host file
 * otherwise. Host names must be unique. Throws `SimulationInputError` with the line.
 */
export function parseSimulationHosts(text: string): HostCapacity[] {
  const source = withoutBom(text);
  if (/^\s*\{/.test(source)) throw new SimulationInputError(1, 'expected a JSON array of hosts ([{"name": …}, …]) or an INI host file, not a single JSON object');
  const hosts = looksLikeJsonArray(source) ? fromJson(source) : fromIni(source);
  if (hosts.length === 0) throw new SimulationInputError(0, 'the host list has no host');
  const lineOf = new Map<string, number>();
  for (const { host, line } of hosts) {
    const first = lineOf.get(host.name);
    if (first !== undefined) throw new SimulationInputError(line, `host name ${JSON.stringify(host.name)} is already used on line ${first}`);
    lineOf.set(host.name, line);
  }
  return hosts.map(({ host }) => host);
}
