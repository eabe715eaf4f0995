// The copy of a service's output kept once its container is gone, written at teardown for every
// back-end from the back-end's log stream. Its size is capped (ZOE_LOG_KEEP_SIZE): it holds the
// last `maxBytes` of the output, from a line start, after a marker line saying how much came
// before and was not kept. The stream is read with back-pressure into a tail file
// (service-logs/tail-file.ts), so neither memory nor disk grows with the log: a 2 GB log costs
// the time to read it, never a failed or repeated teardown. The result replaces the file
// atomically, so a retried teardown rewrites it whole.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { formatBytes } from '../model/units.js';
import { copyRanges, dropStart, readStart, TailFile, writeAll } from './tail-file.js';

export interface KeepOptions {
  /** At most this many bytes of output are kept (the last ones). */
  maxBytes: number;
  /** Called about every second while the copy runs (the activity's heartbeat). */
  heartbeat?: () => void;
  /** Aborting stops the copy: nothing is written, and the signal's reason is thrown. */
  signal?: AbortSignal;
  /** The copy stops after this long, keeping what it read (with a marker saying so). */
  timeLimitMs?: number;
}

export interface KeptCopy {
  /** Bytes the back-end's stream delivered. */
  bytesRead: number;
  /** Of those, bytes left out of the copy (before its first line). */
  bytesCut: number;
  /** Why the copy ended before the stream did (the stream failed, or the time limit). */
  stoppedEarly?: string;
}

export const KEEP_TIME_LIMIT_MS = 10 * 60 * 1000;
/** How far past the cut a line start is looked for; a longer line is kept from the cut. */
const LINE_SEARCH_BYTES = 64 * 1024;

/**
 * Streams `source` into `file`, keeping its last `maxBytes`. A failing source ends the copy with
 * what was read (never thrown); a failing disk is thrown, after cleaning up.
 */
export async function keepTail(source: Readable, file: string, options: KeepOptions): Promise<KeptCopy> {
  const { maxBytes, signal } = options;
  const tail = new TailFile(file, maxBytes);
  const tmp = `${file}.tmp`;
  const stop = (reason: Error) => source.destroy(reason);
  const onAbort = () => stop(new Error('the copy was cancelled'));
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const limitMs = options.timeLimitMs ?? KEEP_TIME_LIMIT_MS;
  const timer = setTimeout(() => stop(new Error(`reading it took longer than ${Math.round(limitMs / 1000)} s`)), limitMs);
  try {
    await mkdir(dirname(file), { recursive: true });
    const { bytesRead, stoppedEarly } = await readInto(tail, source, options);
    await tail.flush();
    const ranges = tail.ranges();
    let kept = ranges.reduce((sum, r) => sum + r.end - r.start, 0);
    if (bytesRead > kept) {
      // Cut at a line start, so the copy begins with a whole `<timestamp> <text>` line.
      const newline = (await readStart(ranges, LINE_SEARCH_BYTES)).indexOf(0x0a);
      if (newline >= 0 && newline + 1 < kept) {
        dropStart(ranges, newline + 1);
        kept -= newline + 1;
      }
    }
    const bytesCut = bytesRead - kept;
    const out = await open(tmp, 'w');
    try {
      if (bytesCut > 0) {
        const time = lineTime((await readStart(ranges, 64)).toString('utf8'));
        await writeAll(out, Buffer.from(`${time} [zoe] ${formatBytes(bytesCut)} (${bytesCut} bytes) of earlier output ` +
          `not kept: this copy holds the last ${formatBytes(maxBytes)} of the service's output (ZOE_LOG_KEEP_SIZE)\n`));
      }
      await copyRanges(ranges, out);
      if (stoppedEarly !== undefined) {
        await writeAll(out, Buffer.from(`${new Date().toISOString()} [zoe] the copy of this log stopped early: ${stoppedEarly}\n`));
      }
    } finally {
      await out.close();
    }
    await rename(tmp, file);
    return { bytesRead, bytesCut, ...(stoppedEarly !== undefined ? { stoppedEarly } : {}) };
  } catch (error) {
    source.destroy();
    await rm(tmp, { force: true });
    throw signal?.aborted ? signal.reason : error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    await tail.remove();
  }
}

/** Reads the source to its end (or failure) into the tail file; throws only for the disk or cancellation. */
async function readInto(tail: TailFile, source: Readable, options: KeepOptions): Promise<{ bytesRead: number; stoppedEarly?: string }> {
  let bytesRead = 0;
  let lastBeat = 0;
  let diskError: unknown;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      await tail.append(chunk).catch((error: unknown) => {
        diskError = error;
        throw error;
      });
      if (Date.now() - lastBeat >= 1_000) {
        lastBeat = Date.now();
        options.heartbeat?.();
      }
    }
    return { bytesRead };
  } catch (error) {
    if (diskError !== undefined || options.signal?.aborted) throw diskError ?? error;
    return { bytesRead, stoppedEarly: (error as Error).message };
  }
}

/** The timestamp a line starts with, or now when it has none. */
function lineTime(line: string): string {
  return /^(\d{4}-\d\d-\d\dT\S+) /.exec(line)?.[1] ?? new Date().toISOString();
}
