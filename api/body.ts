// JSON request bodies with a size limit: too large is 413, malformed is 400 saying where.
import type { Context } from 'koa';
import { findJsonSyntaxError } from '../zapps/json-syntax.js';
import { badRequest, tooLarge } from './errors.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export async function readJson(ctx: Context, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const text = await readText(ctx, limit);
  if (text.trim() === '') throw badRequest('the request body is empty; send a JSON document');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const where = findJsonSyntaxError(text);
    const detail = where ? `${where.reason} at line ${where.line}, column ${where.column}` : (error as Error).message;
    throw badRequest(`the request body is not valid JSON: ${detail}`);
  }
}

/** The body as UTF-8 text, for routes that parse it themselves (413 over the limit). */
export async function readText(ctx: Context, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
