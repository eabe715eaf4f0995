// JSON request bodies with a size limit: too large is 413, malformed is 400 saying where.
import type { Context } from 'koa';
import { TooLarge } from '../model/errors.js';
import { invalidInput } from '../model/input.js';
import { findJsonSyntaxError } from '../zapps/json-syntax.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const malformed = (message: string) => invalidInput({ what: 'request' }, [{ path: '', message }]);

/** The parsed body. `optional`: an empty body reads as `{}` (routes whose fields are all optional). */
export async function readJson(ctx: Context, options: { optional?: boolean; limit?: number } = {}): Promise<unknown> {
  const text = await readText(ctx, options.limit);
  if (text.trim() === '') {
    if (options.optional) return {};
    throw malformed('the body is empty; send a JSON document');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const where = findJsonSyntaxError(text);
    const detail = where ? `${where.reason} at line ${where.line}, column ${where.column}` : (error as Error).message;
    throw malformed(`the body is not valid JSON: ${detail}`);
  }
}

/** The body as UTF-8 text, for routes that parse it themselves (413 over the limit). */
export async function readText(ctx: Context, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new TooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new TooLarge(limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
