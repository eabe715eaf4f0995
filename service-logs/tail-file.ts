// The last N bytes of a stream of unknown length, on disk in constant space: two segment files of
// at most N bytes used as a ring (when the current one is full, the older one is truncated and
// filled next), so the last N bytes always lie in the older segment's end and the current
// segment. Writes are gathered into blocks of about 256 KiB: one write per small chunk would make
// a large log slow to copy.
import { open, rm, type FileHandle } from 'node:fs/promises';

/** A byte range of a segment file. */
export interface Range {
  path: string;
  start: number;
  end: number;
}

const WRITE_BYTES = 256 * 1024;

export class TailFile {
  private readonly segments: [string, string];
  private readonly sizes = [0, 0];
  private current = 0;
  private wrapped = false;
  private handle: FileHandle | undefined;
  private batch: Buffer[] = [];
  private batchBytes = 0;

  /** Segments are `<base>.part0` and `<base>.part1`. */
  constructor(base: string, private readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${maxBytes}`);
    this.segments = [`${base}.part0`, `${base}.part1`];
  }

  async append(chunk: Buffer): Promise<void> {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= WRITE_BYTES) await this.flush();
  }

  /** Writes what is gathered; the ranges then describe everything appended. */
  async flush(): Promise<void> {
    if (this.batchBytes === 0) return;
    let rest = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
    this.handle ??= await open(this.segments[this.current]!, 'w');
    while (rest.length > 0) {
      if (this.sizes[this.current] === this.maxBytes) {
        await this.handle.close();
        this.current = 1 - this.current;
        this.wrapped = true;
        this.handle = await open(this.segments[this.current]!, 'w'); // truncates the older segment
        this.sizes[this.current] = 0;
      }
      const piece = rest.subarray(0, this.maxBytes - this.sizes[this.current]!);
      await writeAll(this.handle, piece);
      this.sizes[this.current]! += piece.length;
      rest = rest.subarray(piece.length);
    }
  }

  /** Where the last (at most `maxBytes`) bytes flushed lie, oldest first. */
  ranges(): Range[] {
    const other = 1 - this.current;
    const ranges: Range[] = [];
    if (this.wrapped) ranges.push({ path: this.segments[other]!, start: this.sizes[this.current]!, end: this.maxBytes });
    ranges.push({ path: this.segments[this.current]!, start: 0, end: this.sizes[this.current]! });
    return ranges.filter((range) => range.end > range.start);
  }

  /** Closes and deletes the segments. */
  async remove(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await Promise.all(this.segments.map((path) => rm(path, { force: true })));
  }
}

export async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += (await handle.write(data, offset)).bytesWritten;
}

/** Up to `length` bytes from the start of the ranges. */
export async function readStart(ranges: readonly Range[], length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let wanted = length;
  for (const range of ranges) {
    if (wanted <= 0) break;
    const size = Math.min(wanted, range.end - range.start);
    if (size <= 0) continue;
    const handle = await open(range.path, 'r');
    try {
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await handle.read(buffer, 0, size, range.start);
      parts.push(buffer.subarray(0, bytesRead));
      wanted -= bytesRead;
    } finally {
      await handle.close();
    }
  }
  return Buffer.concat(parts);
}

/** Drops `bytes` from the front of the ranges. */
export function dropStart(ranges: Range[], bytes: number): void {
  let left = bytes;
  for (const range of ranges) {
    const take = Math.min(left, range.end - range.start);
    range.start += take;
    left -= take;
  }
}

/** Copies the ranges to `out` in 256 KiB blocks: constant memory whatever their size. */
export async function copyRanges(ranges: readonly Range[], out: FileHandle): Promise<void> {
  const buffer = Buffer.alloc(WRITE_BYTES);
  for (const range of ranges) {
    const handle = await open(range.path, 'r');
    try {
      for (let position = range.start; position < range.end;) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, range.end - position), position);
        if (bytesRead === 0) break;
        await writeAll(out, buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
}
