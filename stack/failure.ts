// When a component of `npm start` or of the test run does not start, the error says which one and
// how, quotes the last lines of its log (where the real cause is), and says what to do about it.
import { readFileSync } from 'node:fs';

/** The last lines of a log file, or a note that there is none. */
export function lastLines(file: string, count = 15): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text ? text.split('\n').slice(-count).join('\n') : '(the log is empty)';
  } catch {
    return '(no log was written)';
  }
}

/**
 * An error whose message reads, in order: what failed, the log's last lines (from a file, or lines
 * already at hand such as a child's stderr) and what to do.
 */
export function startFailure(what: string, log: { file: string } | { name: string; lines: string } | undefined, todo: string): Error {
  const parts = [what];
  if (log) {
    const [name, lines] = 'file' in log ? [log.file, lastLines(log.file)] : [log.name, log.lines.trimEnd() || '(nothing)'];
    parts.push(`last lines of ${name}:\n${lines.split('\n').map((line) => `    ${line}`).join('\n')}`);
  }
  parts.push(`what to do: ${todo}`);
  return new Error(parts.join('\n  '));
}
