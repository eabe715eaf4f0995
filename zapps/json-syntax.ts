// Where a JSON text first goes wrong. V8's JSON.parse messages give a position for some errors
// and not others ("Unexpected token '}', ... is not valid JSON"), so a ZApp author uploading a
// file would not learn where to look. This scanner follows the JSON grammar without building
// values, iteratively (a deeply nested text cannot overflow the stack), and stops at the first
// error. Pure code: no Node built-ins.

export interface JsonSyntaxError {
  /** 1-based line and column of the offending character. */
  line: number;
  column: number;
  reason: string;
}

type Mode = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'after-value';

const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const whitespace = new Set([' ', '\t', '\n', '\r']);
const escapes = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: ('object' | 'array')[] = [];
  let mode: Mode = 'value';
  let i = 0;
  const fail = (offset: number, reason: string): JsonSyntaxError => ({ ...lineAndColumn(text, offset), reason });
  const unexpected = (offset: number): JsonSyntaxError =>
    fail(offset, offset >= text.length ? 'unexpected end of input' : `unexpected character ${JSON.stringify(text[offset])}`);

  for (;;) {
    while (i < text.length && whitespace.has(text[i] ?? '')) i += 1;
    const char = text[i];
    if (mode === 'after-value') {
      const top = stack[stack.length - 1];
      if (top === undefined) return char === undefined ? undefined : fail(i, 'unexpected text after the end of the JSON value');
      if (char === ',') { mode = top === 'object' ? 'key' : 'value'; i += 1; continue; }
      if ((char === '}' && top === 'object') || (char === ']' && top === 'array')) { stack.pop(); i += 1; continue; }
      return top === 'object' ? expected(fail, i, text, "',' or '}'") : expected(fail, i, text, "',' or ']'");
    }
    if ((mode === 'key-or-close' && char === '}') || (mode === 'value-or-close' && char === ']')) {
      stack.pop(); mode = 'after-value'; i += 1; continue;
    }
    if (mode === 'key' || mode === 'key-or-close') {
      if (char !== '"') return expected(fail, i, text, 'a property name in double quotes');
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.offset, end.reason);
      i = end;
      while (i < text.length && whitespace.has(text[i] ?? '')) i += 1;
      if (text[i] !== ':') return expected(fail, i, text, "':'");
      i += 1; mode = 'value'; continue;
    }
    // A value is expected.
    if (char === '{') { stack.push('object'); mode = 'key-or-close'; i += 1; continue; }
    if (char === '[') { stack.push('array'); mode = 'value-or-close'; i += 1; continue; }
    mode = 'after-value';
    if (char === '"') {
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.offset, end.reason);
      i = end; continue;
    }
    const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
    if (literal !== undefined) { i += literal.length; continue; }
    numberPattern.lastIndex = i;
    if (numberPattern.exec(text) === null) return unexpected(i);
    i = numberPattern.lastIndex;
  }
}

function expected(fail: (offset: number, reason: string) => JsonSyntaxError, offset: number, text: string, what: string): JsonSyntaxError {
  const found = offset >= text.length ? 'the end of input' : JSON.stringify(text[offset]);
  return fail(offset, `expected ${what} but found ${found}`);
}

/** Offset just after the closing quote, or where and why the string is broken. */
function scanString(text: string, start: number): number | { offset: number; reason: string } {
  let i = start + 1;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char === '"') return i + 1;
    if (char === '\\') {
      const next = text[i + 1] ?? '';
      if (escapes.has(next)) { i += 2; continue; }
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i += 6; continue; }
      return { offset: i, reason: 'invalid escape sequence in string' };
    }
    if (char < ' ') return { offset: i, reason: 'control character in string (write it as an escape such as \\n)' };
    i += 1;
  }
  return { offset: start, reason: 'string is never closed' };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text[i] === '\n') { line += 1; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}
