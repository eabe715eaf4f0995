// What a route reads from a request, validated with the one shared helper `parseInput`: path ids,
// shop ids, query strings and JSON bodies. A refusal is an InvalidInput naming the field (`id`,
// `exec_id`, `user_id`, `application.services[0].image`), which api/errors.ts turns into a 400.
import type { Context } from 'koa';
import type { z } from 'zod';
import { parseInput } from '../model/input.js';
import { IdTextSchema, ServiceGroupSchema, ShopIdSchema } from '../executions/schemas.js';
import { readJson } from './body.js';

/** A record id in the path: `field` is the route's parameter name (`id`, `exec_id`). */
export function parseId(raw: unknown, field = 'id'): number {
  return parseInput(IdTextSchema, raw, { what: 'path', prefix: field });
}

export function parseShopId(raw: unknown): string {
  return parseInput(ShopIdSchema, raw, { what: 'path', prefix: 'id' });
}

export function parseGroup(raw: unknown): string {
  return parseInput(ServiceGroupSchema, raw, { what: 'path', prefix: 'group' });
}

/** The query string; unknown parameters are refused by the strict schemas, by name. */
export function parseQuery<S extends z.ZodType>(ctx: Context, schema: S): z.output<S> {
  return parseInput(schema, ctx.query, { what: 'query' });
}

/** The JSON body, validated; `what` names it in messages (`user`, `start request`). */
export async function parseBody<S extends z.ZodType>(ctx: Context, schema: S, what: string, options: { optional?: boolean } = {}): Promise<z.output<S>> {
  return parseInput(schema, await readJson(ctx, options), { what });
}
