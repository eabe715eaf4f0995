// A reader of a service's output that stops reading must not hold the server's resources forever.
// Back-pressure already bounds the memory (the source is paused once a few KiB wait); this guard
// also ends the stream when output has been waiting and nothing was taken for `stallMs`, which
// releases the back-end's connection and the client's. A quiet service is not a stall: the guard
// only counts time while data waits for the reader.
import { pipeline, type Readable, Transform } from 'node:stream';

export class ReaderStalled extends Error {
  constructor(stallMs: number) {
    super(`the reader took nothing for ${Math.round(stallMs / 1000)} s while output was waiting: stream dropped`);
    this.name = 'ReaderStalled';
  }
}

/** `source` passed through unchanged, destroyed (with ReaderStalled) when its reader stalls. */
export function guardAgainstStall(source: Readable, stallMs: number): Readable {
  let moved = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      moved += chunk.length;
      done(null, chunk);
    },
  });
  const out = pipeline(source, guard, () => undefined); // errors reach the reader through `out`
  let seen = moved;
  let since = Date.now();
  const timer = setInterval(() => {
    // Waiting output that the reader has not taken: the guard's buffer is full and nothing moved.
    const waiting = guard.readableLength > 0 || guard.writableLength > 0;
    if (moved !== seen || !waiting) {
      seen = moved;
      since = Date.now();
    } else if (Date.now() - since >= stallMs) {
      guard.destroy(new ReaderStalled(stallMs));
    }
  }, Math.max(10, Math.min(1_000, stallMs / 4)));
  timer.unref();
  guard.once('close', () => clearInterval(timer));
  return out;
}
