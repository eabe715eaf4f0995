// Helpers for the shop tests: raw HTTP (paths sent exactly as written, which fetch would
// normalise), shop folder copies, and a logger that keeps what it is told.
import { request } from 'node:http';
import { chmod, cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../../config/config.js';
import type { LogAttributes, Logger } from '../../../log/logger.js';

export const referenceShop = join(projectRoot, '..', 'shared', 'reference', 'zoe-zapp-shop');
export const sampleShop = join(projectRoot, 'zapps', 'sample-shop');

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): unknown;
}

/** GET or POST with the path as given (`..`, `%2f`, `%00` reach the server untouched). */
export function rawRequest(apiUrl: string, method: string, path: string, auth?: [string, string], body?: string): Promise<RawReply> {
  const url = new URL(apiUrl);
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: `${url.pathname}${path}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json: () => JSON.parse(data.toString('utf8')) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A writable copy of a shop folder (the reference shop is read-only); returns the copy's path. */
export async function copyShop(from: string): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'zoe-shop-copy-'));
  const shop = join(base, 'shop');
  await cp(from, shop, { recursive: true });
  await makeWritable(shop);
  return shop;
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
    else if (entry.isFile()) await chmod(join(dir, entry.name), 0o644);
  }
}

export interface RecordedLine {
  level: string;
  message: string;
  attributes: LogAttributes | undefined;
}

/** A Logger that records every line (children included) instead of printing it. */
export function recordingLogger(lines: RecordedLine[] = []): Logger & { lines: RecordedLine[] } {
  const record = (level: string) => (message: string, attributes?: LogAttributes) => { lines.push({ level, message, attributes }); };
  const logger: Logger & { lines: RecordedLine[] } = {
    lines,
    debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error'),
    child: () => logger,
  };
  return logger;
}
