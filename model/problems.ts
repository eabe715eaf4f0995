// How problems with any input (a ZApp, a request body, a query) are reported: a path and a plain sentence.
// Zod issues are translated here, once, so every caller (REST, CLI, web, shop) shows the same text.
// Pure code: no Node built-ins, so workflows may import it.
import type { z } from 'zod';

/** One thing wrong with an input. `path` is like `services[0].resources.memory.min`. */
export interface Problem {
  path: string;
  message: string;
}

export type PathSegment = string | number;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['services', 0, 'name']` becomes `services[0].name`; the root is the empty string. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && identifier.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(quoteable(segment))}]`;
  }
  return out;
}

function quoteable(segment: PropertyKey): string {
  return typeof segment === 'symbol' ? segment.toString() : shorten(String(segment));
}

/** Values echoed in messages are cut short: a 10 MB string must not become a 10 MB error. */
export function shorten(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A short description of what a value is, for "expected X, got Y" sentences. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': return `the string ${JSON.stringify(shorten(value))}`;
    case 'number': return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`;
    case 'boolean': return `the boolean ${value}`;
    case 'object': return 'an object';
    default: return typeof value;
  }
}

const expectedNouns: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'a boolean (true or false)',
  object: 'an object', array: 'an array', tuple: 'a [name, value] pair', null: 'null',
};

/** The sentence for unknown keys when the object's schema gives none of its own. */
const UNKNOWN_FIELDS = 'Unknown fields are not allowed.';

// The shape of the raw issue zod hands to an error map, reduced to what we read.
type RawIssue = z.core.$ZodRawIssue;

/**
 * Generic sentences for zod's issue codes. Schemas that need a more specific sentence (memory.min
 * null, the name patterns) carry their own message, which takes precedence over this map.
 */
export function plainSentence(issue: RawIssue): string {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return 'This field is required.';
  switch (issue.code) {
    case 'invalid_type': {
      const expected = expectedNouns[issue.expected] ?? issue.expected;
      return `Expected ${expected}, got ${describeValue(issue.input)}.`;
    }
    case 'too_small': return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case 'too_big': return tooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_value':
      return issue.values.length === 1
        ? `Must be ${JSON.stringify(issue.values[0])}, got ${describeValue(issue.input)}.`
        : `Must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}.`;
    case 'invalid_format': return `Must match the pattern ${issue.pattern ?? issue.format}.`;
    case 'unrecognized_keys': return UNKNOWN_FIELDS;
    default: return 'This value is not valid here.';
  }
}

function tooSmall(origin: string, minimum: number, inclusive: boolean): string {
  if (origin === 'string') return `Must be at least ${minimum} character${minimum === 1 ? '' : 's'} long.`;
  if (origin === 'array') return `Must contain at least ${minimum} item${minimum === 1 ? '' : 's'}.`;
  return inclusive ? `Must be at least ${minimum}.` : `Must be greater than ${minimum}.`;
}

function tooBig(origin: string, maximum: number, inclusive: boolean): string {
  if (origin === 'string') return `Must be at most ${maximum} characters long.`;
  if (origin === 'array') return `Must contain at most ${maximum} items.`;
  if (origin === 'int' && maximum === Number.MAX_SAFE_INTEGER) return 'Must be a safe integer (at most 2^53 - 1).';
  return inclusive ? `Must be at most ${maximum}.` : `Must be less than ${maximum}.`;
}

/**
 * Zod's finished issues as problems. An unrecognised-keys issue names several keys at the
 * object's path; we report one problem per key, at the key's own path, because that is where the
 * author has to look. A strict object whose schema says what it holds (`{ error: … }` for
 * unrecognized_keys: "a resource override has only memory_gib and cores.") gives that as the hint.
 */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const hint = issue.message === UNKNOWN_FIELDS ? 'it is not part of this format.' : issue.message;
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...issue.path, key]), message: `Unknown field ${JSON.stringify(shorten(key))}: ${hint}` });
      }
    } else {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** The name the ZApp format's code and messages use for a problem. */
export type ZAppProblem = Problem;
