// The kept copy of a service's output (service-logs/kept-copy.ts): whole when small; the last
// `maxBytes` from a line start after a marker saying what was cut when large, in constant memory
// even for 2 GiB; a failing source keeps what was read; cancellation writes nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { formatBytes } from '../../../model/units.js';
import { keepTail } from '../../../service-logs/kept-copy.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'zoe-kept-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `<timestamp> line <n> <padding>` lines, numbered from 1. */
function line(n: number): string {
  return `${new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString()} line ${String(n).padStart(8, '0')} ${'x'.repeat(40)}\n`;
}

function lines(count: number): string {
  return Array.from({ length: count }, (_, i) => line(i + 1)).join('');
}

/** The text in chunks of `size` bytes (so lines straddle chunks). */
function chunked(text: string, size = 4096): Readable {
  const buffer = Buffer.from(text);
  return Readable.from((function* () {
    for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
  })());
}

void describe('kept copy of a service\'s output', () => {
  void it('keeps a log under the cap whole, with no marker', async () => {
    const text = lines(100);
    const file = join(dir, 'small.txt');
    const kept = await keepTail(chunked(text), file, { maxBytes: MiB });
    assert.deepEqual(kept, { bytesRead: text.length, bytesCut: 0 });
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('small.txt.')), [], 'no segment left behind');
  });

  void it('keeps the last maxBytes from a line start, after a marker saying how much was cut', async () => {
    const text = lines(30_000); // about 2.3 MiB
    const maxBytes = 256 * 1024;
    const file = join(dir, 'large.txt');
    const kept = await keepTail(chunked(text, 1000), file, { maxBytes });
    const copy = readFileSync(file, 'utf8');
    const [marker, ...rest] = copy.split('\n');
    const body = rest.join('\n');
    assert.ok(text.endsWith(body), 'the copy is the end of the output');
    assert.ok(body.length <= maxBytes && body.length > maxBytes - line(1).length, `kept ${body.length} bytes`);
    assert.match(body, /^\d{4}-\d\d-\d\dT\S+ line \d{8} x+\n/, 'it starts with a whole line');
    assert.equal(kept.bytesCut, text.length - body.length);
    assert.equal(marker, `${body.slice(0, body.indexOf(' '))} [zoe] ${formatBytes(kept.bytesCut)} (${kept.bytesCut} bytes) ` +
      `of earlier output not kept: this copy holds the last ${formatBytes(maxBytes)} of the service's output (ZOE_LOG_KEEP_SIZE)`);
    assert.ok(body.endsWith(line(30_000)));
  });

  void it('copies a 2 GiB log in constant memory, keeping only its end', async () => {
    const block = Buffer.from(lines(13_000)); // ~1 MiB of whole lines
    const blocks = Math.ceil((2 * 1024 * MiB) / block.length);
    const source = Readable.from((function* () {
      for (let i = 0; i < blocks; i++) yield block;
    })());
    const file = join(dir, 'huge.txt');
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = Date.now();
    const kept = await keepTail(source, file, { maxBytes: 4 * MiB });
    clearInterval(sampler);
    assert.equal(kept.bytesRead, blocks * block.length);
    assert.ok(statSync(file).size <= 4 * MiB + 300, `kept ${statSync(file).size} bytes`);
    const growth = (peak - before) / MiB;
    assert.ok(growth < 64, `resident memory grew by ${growth.toFixed(1)} MiB while copying 2 GiB`);
    console.log(`2 GiB kept-copy: ${Date.now() - started} ms, resident memory +${growth.toFixed(1)} MiB, cut ${kept.bytesCut} bytes`);
  });

  void it('keeps what was read when the source fails, with a marker saying why the copy stopped', async () => {
    const text = lines(50);
    const source = Readable.from((async function* () {
      yield Buffer.from(text);
      await Promise.resolve();
      throw new Error('the engine went away');
    })());
    const file = join(dir, 'failed.txt');
    const kept = await keepTail(source, file, { maxBytes: MiB });
    assert.equal(kept.stoppedEarly, 'the engine went away');
    const copy = readFileSync(file, 'utf8');
    assert.ok(copy.startsWith(text));
    assert.match(copy.slice(text.length), /^\S+ \[zoe\] the copy of this log stopped early: the engine went away\n$/);
  });

  void it('stops at the time limit, keeping what it read', async () => {
    const endless = new Readable({ read() { setTimeout(() => this.push(Buffer.from(line(1))), 5); } });
    const kept = await keepTail(endless, join(dir, 'slow.txt'), { maxBytes: MiB, timeLimitMs: 300 });
    assert.match(kept.stoppedEarly ?? '', /longer than 0 s/);
    assert.ok(endless.destroyed, 'the source is released');
  });

  void it('writes nothing when cancelled, and leaves an earlier copy as it was', async () => {
    const file = join(dir, 'cancelled.txt');
    writeFileSync(file, 'earlier copy\n');
    const controller = new AbortController();
    const endless = new Readable({ read() { setTimeout(() => this.push(Buffer.from(line(1))), 1); } });
    setTimeout(() => controller.abort(new Error('activity cancelled')), 100);
    await assert.rejects(keepTail(endless, file, { maxBytes: MiB, signal: controller.signal }), /activity cancelled/);
    assert.equal(readFileSync(file, 'utf8'), 'earlier copy\n');
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('cancelled.txt.')), []);
  });
});
