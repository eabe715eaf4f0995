// The one way input is validated before anything acts on it: a zod schema, and on failure an
// InvalidInput naming the field and listing every problem with its path. Routes, pages and the
// application layer all call this; none builds a 400 of its own.
import type { z } from 'zod';
import { InvalidInput } from './errors.js';
import { issuesToProblems, plainSentence, type Problem } from './problems.js';

export interface InputOptions {
  /** What the input is, for the message: `user`, `query`, `start request`. */
  what: string;
  /** Prefix of every path (`application`), when the input sits inside a larger document. */
  prefix?: string;
}

/** The validated (and transformed) value, or an InvalidInput naming every problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, options: InputOptions): z.output<S> {
  const result = schema.safeParse(value, { error: plainSentence });
  if (result.success) return result.data;
  throw invalidInput(options, issuesToProblems(result.error.issues));
}

/** An InvalidInput for problems found by hand (semantic checks), in the same shape as `parseInput`'s. */
export function invalidInput(options: InputOptions, problems: Problem[]): InvalidInput {
  const prefixed = problems.map((p) => ({ path: joinPath(options.prefix, p.path), message: p.message }));
  const first = prefixed[0] ?? { path: '', message: 'This value is not valid here.' };
  const sentences = prefixed.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  return new InvalidInput(`invalid ${options.what}: ${sentences.join('; ')}`, first.path || undefined, prefixed);
}

function joinPath(prefix: string | undefined, path: string): string {
  if (!prefix) return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
