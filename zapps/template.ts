// Environment values and port URL templates are Python `str.format` strings in the original
// (`value.format(**variables)`), so existing ZApps keep working: `{name}` is replaced, `{{` and `}}`
// are literal braces, a lone `}` is an error. Python's conversions (`{x!r}`), format specs
// (`{x:>8}`), attribute/index access (`{x.y}`, `{x[0]}`) and positional fields (`{}`, `{0}`) have no
// use with named string variables, so they are rejected as malformed instead of half-supported.
// Pure code: no Node built-ins, so workflows may import it.

/** The variables every environment value and URL template may use (besides `dns_name#…`). */
export const commonTemplateVariables = ['user_name', 'execution_id', 'execution_name', 'deployment_name'] as const;
/** Variables only URL templates receive. */
export const urlOnlyTemplateVariables = ['ip_port', 'proxy_path'] as const;
/** `{dns_name#self}` or `{dns_name#<instance>}`. */
export const dnsNamePrefix = 'dns_name#';

export type TemplateErrorReason = 'unknown-variable' | 'malformed';

/** A template that cannot be rendered: it names an unknown variable, or its syntax is broken. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly reason: TemplateErrorReason,
    message: string,
    /** The variable concerned, for `unknown-variable`. */
    readonly variable?: string,
  ) {
    super(message);
  }
}

type Segment = { literal: string } | { variable: string };

/** Splits a template into literal text and variable references, or throws a `TemplateError`. */
function parseTemplate(template: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    const next = template[i + 1];
    if (char === '{' && next === '{') { literal += '{'; i += 2; continue; }
    if (char === '}' && next === '}') { literal += '}'; i += 2; continue; }
    if (char === '}') throw malformed(`a single '}' at position ${i} must be written '}}'`);
    if (char !== '{') { literal += char; i += 1; continue; }

    const close = template.indexOf('}', i + 1);
    if (close < 0) throw malformed(`the '{' at position ${i} is never closed (write '{{' for a literal brace)`);
    const field = template.slice(i + 1, close);
    checkFieldName(field, i);
    if (literal !== '') segments.push({ literal });
    literal = '';
    segments.push({ variable: field });
    i = close + 1;
  }
  if (literal !== '') segments.push({ literal });
  return segments;
}

function checkFieldName(field: string, position: number): void {
  if (field === '' || /^[0-9]+$/.test(field)) {
    throw malformed(`the field at position ${position} has no name: positional fields are not supported, use a variable name`);
  }
  const unsupported = /[{!:.[\]]/.exec(field);
  if (unsupported !== null) {
    throw malformed(`the field at position ${position} contains '${unsupported[0]}': conversions, format specifications and attribute access are not supported`);
  }
}

function malformed(detail: string): TemplateError {
  return new TemplateError('malformed', `Template is malformed: ${detail}.`);
}

/** The distinct variable names a template uses, in order of first use. Throws on bad syntax. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const segment of parseTemplate(template)) {
    if ('variable' in segment) names.add(segment.variable);
  }
  return [...names];
}

/** Renders a template; throws a `TemplateError` naming the first variable `vars` does not define. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  let out = '';
  for (const segment of parseTemplate(template)) {
    if ('literal' in segment) { out += segment.literal; continue; }
    // Own properties only: a template saying `{constructor}` must not reach Object.prototype.
    if (!Object.hasOwn(vars, segment.variable)) {
      throw new TemplateError('unknown-variable', `Template variable {${segment.variable}} is not defined.`, segment.variable);
    }
    out += vars[segment.variable];
  }
  return out;
}

/** Escapes text so that it renders as itself (a user-supplied value is data, not a template). */
export function escapeTemplateText(text: string): string {
  return text.replaceAll('{', '{{').replaceAll('}', '}}');
}
