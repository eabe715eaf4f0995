// The stall guard (service-logs/stall-guard.ts): a reader that takes nothing while output waits is
// dropped after the stall time, and the source is released; a quiet source or a slow but steady
// reader is left alone; the source is paused meanwhile (back-pressure), so little is produced.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { guardAgainstStall, ReaderStalled } from '../../../service-logs/stall-guard.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Endless output, counting what it produced. */
function chatty(): Readable & { produced: number } {
  const source = new Readable({
    read() {
      source.produced += 1024;
      this.push(Buffer.alloc(1024, 'x'));
    },
  }) as Readable & { produced: number };
  source.produced = 0;
  return source;
}

void describe('stall guard', () => {
  void it('drops a reader that takes nothing while output waits, and releases the source', async () => {
    const source = chatty();
    const guarded = guardAgainstStall(source, 300);
    const failed = new Promise<unknown>((resolve) => guarded.once('error', resolve));
    guarded.pause(); // a reader that never reads
    guarded.read(0);
    const error = await Promise.race([failed, sleep(3_000).then(() => 'still open')]);
    assert.ok(error instanceof ReaderStalled, `expected the stream dropped, got ${String(error)}`);
    assert.ok(source.destroyed, 'the source is destroyed with it');
    assert.ok(source.produced < 256 * 1024, `the source was paused: it produced ${source.produced} bytes`);
  });

  void it('leaves a quiet source alone', async () => {
    const quiet = new Readable({ read() { /* nothing yet */ } });
    const guarded = guardAgainstStall(quiet, 100);
    guarded.resume();
    await sleep(600);
    assert.equal(guarded.destroyed, false);
    guarded.destroy();
  });

  void it('leaves a slow but steady reader alone', async () => {
    const source = chatty();
    const guarded = guardAgainstStall(source, 300);
    guarded.pause();
    let read = 0;
    for (let i = 0; i < 10; i++) {
      await sleep(100);
      read += (guarded.read(1024) as Buffer | null)?.length ?? 0;
    }
    assert.equal(guarded.destroyed, false);
    assert.ok(read > 0);
    guarded.destroy();
  });
});
