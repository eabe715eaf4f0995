// Applying a shop ZApp's parameters (spec §2.3) to its description. The result is a new ZApp that
// has been validated again (a worker count can break a limit or an instance name); the input ZApp
// is never modified.
import { formatPath, shorten, type ZAppProblem } from '../../model/problems.js';
import type { ZApp } from '../schema.js';
import { escapeTemplateText } from '../template.js';
import { validateZApp, type AdminLimits, type ZAppValidation } from '../validate.js';
import { intProblem, type ShopParameter } from './manifest.js';

export type ParameterValues = Readonly<Record<string, string | number>>;

/**
 * Sets each parameter to its value in `values` (keyed by parameter name), or to its default when
 * absent. A null default with no value leaves the ZApp as written. Kinds:
 * - environment: every pair with that name, in every service, gets the value (as literal text:
 *   braces are escaped, a user's value is data, not a template);
 * - command: the first service with that name gets the value as its command;
 * - service_count: that service gets total_count = essential_count = value.
 */
export function applyParameters(zapp: ZApp, entry: { parameters: readonly ShopParameter[] }, values: ParameterValues, limits: AdminLimits): ZAppValidation {
  const problems: ZAppProblem[] = [];
  const known = new Set(entry.parameters.map((parameter) => parameter.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) problems.push({ path: formatPath(['parameters', name]), message: `Unknown parameter "${shorten(name)}": this ZApp has ${known.size === 0 ? 'no parameters' : [...known].join(', ')}.` });
  }

  const result = structuredClone(zapp);
  for (const parameter of entry.parameters) {
    const given = Object.hasOwn(values, parameter.name) ? values[parameter.name] : undefined;
    const value = checkedValue(parameter, given);
    if (value === undefined) continue;
    if (typeof value === 'object') { problems.push({ path: formatPath(['parameters', parameter.name]), message: value.problem }); continue; }
    setParameter(result, parameter, value);
  }
  if (problems.length > 0) return { valid: false, errors: problems };
  return validateZApp(result, limits);
}

/** The value to apply, undefined for "leave as is", or why the given value is refused. */
function checkedValue(parameter: ShopParameter, given: unknown): string | number | undefined | { problem: string } {
  // An empty number field in a form means "not given"; an empty string is a legitimate text value.
  const raw = given === undefined || (given === '' && parameter.type === 'int') ? parameter.default : given;
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') return { problem: 'Must be a string or a number.' };
  if (parameter.type === 'string') return String(raw);
  const number = typeof raw === 'number' ? raw : /^\s*-?[0-9]+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isNaN(number)) return { problem: `Must be an integer, got ${JSON.stringify(shorten(String(raw)))}.` };
  const problem = intProblem(parameter, number);
  return problem === undefined ? number : { problem };
}

function setParameter(zapp: ZApp, parameter: ShopParameter, value: string | number): void {
  switch (parameter.kind) {
    case 'environment':
      for (const service of zapp.services) {
        for (const pair of service.environment) {
          if (pair[0] === parameter.name) pair[1] = escapeTemplateText(String(value));
        }
      }
      return;
    case 'command': {
      const service = zapp.services.find((candidate) => candidate.name === parameter.name);
      if (service !== undefined) service.command = String(value);
      return;
    }
    case 'service_count': {
      const service = zapp.services.find((candidate) => candidate.name === parameter.name);
      if (service !== undefined) {
        service.total_count = Number(value);
        service.essential_count = Number(value);
      }
      return;
    }
  }
}

/**
 * Adds the manifest's labels to every service (without duplicates), returning a new ZApp. The
 * original appended the list as one nested element when a service already had labels.
 */
export function withManifestLabels(zapp: ZApp, labels: readonly string[]): ZApp {
  const result = structuredClone(zapp);
  if (labels.length === 0) return result;
  for (const service of result.services) {
    service.labels = [...new Set([...(service.labels ?? []), ...labels])];
  }
  return result;
}
