// Checking a ZApp description without running it (`POST /zapp_validate`, `zoe zapp validate`): the
// text is parsed here, so a JSON syntax error is reported with its line and column like any other
// problem, and every problem is listed with its path.
import { invalidInput } from '../model/input.js';
import type { ZApp } from '../zapps/schema.js';
import { parseZAppJson, type AdminLimits } from '../zapps/validate.js';

export function checkZAppText(limits: AdminLimits, text: string): ZApp {
  const result = parseZAppJson(text, limits);
  if (!result.valid) throw invalidInput({ what: 'ZApp' }, result.errors);
  return result.zapp;
}
