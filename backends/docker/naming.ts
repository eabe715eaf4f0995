// Docker's side of Zoe's naming (model/naming.ts): the label filter that selects a deployment's
// containers, and how a ZApp's command line becomes the container's argument list.
import { LABEL } from '../../model/naming.js';

/** Docker list filter selecting one deployment's containers, optionally one execution's. */
export function labelFilter(deployment: string, executionId?: number): { label: string[] } {
  const label = [`${LABEL.deployment}=${deployment}`];
  if (executionId !== undefined) label.push(`${LABEL.executionId}=${executionId}`);
  return { label };
}

/**
 * Splits a command line as a POSIX shell would split words (quotes and backslashes), without
 * running a shell: the original passed the string to docker-py, which split it the same way.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) current += command[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in command`);
  if (inWord) words.push(current);
  return words;
}
