import { badRequest } from '../errors.js';

/** Path ids are positive integers; anything else is a 400 naming the id. */
export function parseId(raw: unknown, field = 'id'): number {
  const text = typeof raw === 'string' ? raw : '';
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw badRequest(`${JSON.stringify(text)} is not a valid ${field}: expected a positive integer`, field);
  }
  return Number(text);
}
