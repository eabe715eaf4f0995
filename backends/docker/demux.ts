// Docker multiplexes a container's stdout and stderr into one stream of frames when it has no TTY:
// an 8-byte header (stream type 0-2, three zero bytes, payload length as a big-endian uint32) and
// the payload. This transform passes the payloads on as they arrive, in order, without waiting
// for a whole frame and without gathering frames: it holds at most one 8-byte header, so its
// memory stays constant whatever a frame's or the log's size. Output that is not framed (a
// container with a TTY) is passed on unchanged.
import { Transform, type TransformCallback } from 'node:stream';

const HEADER_BYTES = 8;

export class Demultiplexer extends Transform {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  /** Payload bytes of the current frame still to pass on. */
  private payloadLeft = 0;
  /** Decided from the first bytes: framed, or raw text. */
  private mode: 'unknown' | 'framed' | 'raw' = 'unknown';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    if (this.mode === 'unknown' && chunk.length > 0) this.mode = looksFramed(chunk) ? 'framed' : 'raw';
    if (this.mode === 'raw') return done(null, chunk);
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const end = Math.min(chunk.length, offset + this.payloadLeft);
        this.push(chunk.subarray(offset, end));
        this.payloadLeft -= end - offset;
        offset = end;
        continue;
      }
      const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - offset);
      chunk.copy(this.header, this.headerFill, offset, offset + take);
      this.headerFill += take;
      offset += take;
      if (this.headerFill === HEADER_BYTES) {
        this.payloadLeft = this.header.readUInt32BE(4);
        this.headerFill = 0;
      }
    }
    done();
  }
}

/** A frame header starts with a stream type of 0, 1 or 2 followed by three zero bytes. */
function looksFramed(chunk: Buffer): boolean {
  const type = chunk[0] ?? 0;
  if (type > 2) return false;
  for (let i = 1; i < Math.min(4, chunk.length); i++) if (chunk[i] !== 0) return false;
  return true;
}
