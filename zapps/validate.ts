// The one entry point that decides whether a ZApp description is acceptable. It reports every
// problem at once (schema and semantic), never mutates its input, never throws, and applies the
// administrative limits here and nowhere else. Pure code: no Node built-ins.
import { findJsonSyntaxError } from './json-syntax.js';
import { looseView } from './loose-view.js';
import { issuesToProblems, plainSentence, type ZAppProblem } from '../model/problems.js';
import { zappSchema, type ZApp } from './schema.js';
import { semanticProblems, type AdminLimits } from './semantic.js';

export type { AdminLimits } from './semantic.js';
export type { ZAppProblem } from '../model/problems.js';

export type ZAppValidation = { valid: true; zapp: ZApp } | { valid: false; errors: ZAppProblem[] };

/**
 * Validates a parsed description. The returned `zapp` is a fresh copy built by the schema; the
 * input is only read. Problems come in document order: structural ones first, then semantic ones.
 */
export function validateZApp(input: unknown, limits: AdminLimits): ZAppValidation {
  try {
    const parsed = zappSchema.safeParse(input, { error: plainSentence });
    const problems = parsed.success ? [] : issuesToProblems(parsed.error.issues);
    problems.push(...semanticProblems(looseView(input), limits));
    if (parsed.success && problems.length === 0) return { valid: true, zapp: parsed.data };
    return { valid: false, errors: problems };
  } catch (error) {
    // Only an exotic object (a throwing getter, a Proxy) can get here; JSON input cannot. The
    // caller still gets a verdict rather than an exception.
    return { valid: false, errors: [{ path: '', message: `The description could not be read: ${errorText(error)}.` }] };
  }
}

/** Parses JSON text and validates it; a syntax error becomes a problem at the root saying where. */
export function parseZAppJson(text: string, limits: AdminLimits): ZAppValidation {
  // Editors on Windows save a byte-order mark, which JSON.parse refuses; it carries no meaning.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let input: unknown;
  try {
    input = JSON.parse(source);
  } catch (error) {
    return { valid: false, errors: [{ path: '', message: jsonErrorMessage(source, error) }] };
  }
  return validateZApp(input, limits);
}

function jsonErrorMessage(text: string, error: unknown): string {
  const syntax = findJsonSyntaxError(text);
  if (syntax === undefined) return `The ZApp description is not valid JSON: ${errorText(error)}.`;
  return `The ZApp description is not valid JSON: ${syntax.reason} at line ${syntax.line}, column ${syntax.column}.`;
}

function errorText(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? error.message : String(error);
  } catch {
    text = 'unreadable error';
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text.replace(/\.$/, '');
}
