// Container output: Docker multiplexes stdout and stderr into 8-byte-header frames when there is
// no TTY. These helpers demultiplex it, save it to a file before the container is removed, and
// follow it live.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { isConflict, isNotFound } from './errors.js';

/** Splits a complete multiplexed log buffer into its payload (stdout and stderr interleaved in order). */
export function demultiplex(buffer: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if (type === undefined || type > 2 || buffer[offset + 1] !== 0 || offset + 8 + size > buffer.length) {
      return Buffer.concat([...parts, buffer.subarray(offset)]); // not framed (TTY container): raw text
    }
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts);
}

/** Saves everything the container printed, with timestamps; a missing container saves nothing. */
export async function saveContainerLogs(container: Docker.Container, file: string): Promise<boolean> {
  let raw: Buffer;
  try {
    raw = await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false });
  } catch (error) {
    // Gone, or already being removed by a concurrent attempt: nothing more can be read.
    if (isNotFound(error) || isConflict(error)) return false;
    throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, demultiplex(raw));
  return true;
}

/** A live stream of the container's output (with timestamps) that ends when the container stops. */
export async function followContainerLogs(docker: Docker, container: Docker.Container, follow: boolean): Promise<Readable> {
  const out = new PassThrough();
  if (!follow) {
    const raw = await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false });
    out.end(demultiplex(raw));
    return out;
  }
  const stream = await container.logs({ stdout: true, stderr: true, timestamps: true, follow: true });
  docker.modem.demuxStream(stream, out, out);
  stream.on('end', () => out.end());
  stream.on('error', (error: Error) => out.destroy(error));
  out.on('close', () => (stream as unknown as { destroy(): void }).destroy());
  return out;
}
