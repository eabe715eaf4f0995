// What the simulator's two input files have in common: refusals with a line and a reason,
// memory written as bytes or with a binary unit, and the lines of a JSON array's elements.
import type { z } from 'zod';
import { findJsonSyntaxError } from '../../zapps/json-syntax.js';
import { issuesToProblems } from '../../model/problems.js';
import { GiB, KiB, MiB, TiB } from '../../model/units.js';

/** A malformed trace or host file. `line` is 1-based; 0 when the problem is the file as a whole. */
export class SimulationInputError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
    this.name = 'SimulationInputError';
  }
}

const units: Record<string, number> = { B: 1, KiB, MiB, GiB, TiB };
const memoryPattern = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?\s*$/;

/**
 * Memory as written in a trace or host file: a number of bytes (`4294967296`) or a string with a
 * binary unit (`"4GiB"`, `"512 MiB"`, `"0.5TiB"`; B, KiB, MiB, GiB, TiB). Rounded down to whole
 * bytes. Undefined when the value is neither.
 */
export function parseMemory(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = memoryPattern.exec(value);
  if (!match) return undefined;
  const bytes = Number(match[1]) * (units[match[2] ?? 'B'] ?? 1);
  return Number.isFinite(bytes) ? Math.floor(bytes) : undefined;
}

export const MEMORY_HINT = 'bytes (a number) or a string with a unit such as "4GiB" or "512MiB" (B, KiB, MiB, GiB, TiB)';

/** Drops a byte-order mark (editors on Windows write one; JSON.parse refuses it). */
export function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * Whether the text is a JSON array of objects: `[` then `{` (or `]`), whitespace aside. An INI
 * file also starts with `[`, but a section name follows it.
 */
export function looksLikeJsonArray(text: string): boolean {
  return /^\s*\[\s*(?:[{\]]|$)/.test(withoutBom(text));
}

/** Parses JSON, turning a syntax error into a `SimulationInputError` at its line (offset by `firstLine - 1`). */
export function parseJsonAt(text: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const syntax = findJsonSyntaxError(text);
    if (syntax === undefined) throw new SimulationInputError(firstLine, 'not valid JSON');
    throw new SimulationInputError(firstLine + syntax.line - 1, `not valid JSON: ${syntax.reason} at column ${syntax.column}`);
  }
}

/**
 * The 1-based line on which each element of a top-level JSON array starts. `text` must be valid
 * JSON whose root is an array (parse it first).
 */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\n') line += 1;
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n' || char === '\uFEFF') continue;
    if (depth === 1 && expectingElement && char !== ']') {
      lines.push(line);
      expectingElement = false;
    }
    if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      depth += 1;
      if (depth === 1) expectingElement = true;
    } else if (char === ']' || char === '}') depth -= 1;
    else if (char === ',' && depth === 1) expectingElement = true;
  }
  return lines;
}

/** A schema failure as one line of text: the first problem, with its path inside the element. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const [first] = issuesToProblems(issues);
  if (first === undefined) return 'not valid';
  const message = first.message.replace(/\.$/, '');
  const lowered = message.charAt(0).toLowerCase() + message.slice(1);
  return first.path === '' ? lowered : `${first.path}: ${lowered}`;
}
