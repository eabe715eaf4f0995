// A tiny REST client for the tests: every call returns the status and the parsed JSON body.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../config/config.js';

export interface Reply<T = unknown> {
  status: number;
  body: T;
  reason: string;
}

export type Caller = (method: string, path: string, body?: unknown, raw?: string) => Promise<Reply<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function caller(apiUrl: string, user?: string, pass?: string): Caller {
  return async (method, path, body, raw) => {
    const headers: Record<string, string> = {};
    if (user !== undefined) headers.authorization = `Basic ${Buffer.from(`${user}:${pass ?? ''}`).toString('base64')}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${apiUrl}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await response.text();
    return { status: response.status, reason: response.statusText, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}

/** A sample ZApp (web, cluster or batch) from the sample shop: `zapps/sample-shop/<name>/<name>.json`. */
export function sampleZApp(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(projectRoot, 'zapps', 'sample-shop', name, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/** Polls an execution until `until(status)` holds; fails the test after the timeout. */
export async function waitForStatus(call: Caller, id: number, until: (status: string) => boolean, timeoutMs = 60_000, intervalMs = 200): Promise<{ status: string; error_message: string | null; [key: string]: unknown }> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const reply = await call('GET', `/execution/${id}`);
    last = String((reply.body as { status?: string }).status);
    if (until(last)) return reply.body as { status: string; error_message: string | null };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`execution ${id} stayed ${last} for ${timeoutMs} ms`);
}
