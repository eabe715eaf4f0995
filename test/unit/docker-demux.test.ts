// The Docker back-end's demultiplexer (backends/docker/demux.ts): payloads in order whatever the
// chunk boundaries, raw text unchanged, and a frame passed on before it is complete (constant
// memory, not a whole frame or log gathered).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Demultiplexer } from '../../backends/docker/demux.js';

function frame(type: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

async function demux(chunks: Buffer[]): Promise<string> {
  const stream = new Demultiplexer();
  const parts: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await ended;
  return Buffer.concat(parts).toString();
}

void describe('Docker log demultiplexer', () => {
  const framed = Buffer.concat([frame(1, '2024-01-01T00:00:00Z out one\n'), frame(2, '2024-01-01T00:00:01Z err\n'), frame(1, ''), frame(1, 'tail\n')]);
  const expected = '2024-01-01T00:00:00Z out one\n2024-01-01T00:00:01Z err\ntail\n';

  void it('passes stdout and stderr payloads on in order, for every split of the input', async () => {
    for (let cut = 1; cut < framed.length; cut++) {
      assert.equal(await demux([framed.subarray(0, cut), framed.subarray(cut)]), expected, `split at ${cut}`);
    }
    assert.equal(await demux([...framed].map((byte) => Buffer.from([byte]))), expected, 'one byte at a time');
  });

  void it('passes output that is not framed (a TTY container) unchanged', async () => {
    assert.equal(await demux([Buffer.from('plain text\n'), Buffer.from('more\n')]), 'plain text\nmore\n');
  });

  void it('hands on part of a large frame before the rest arrives', async () => {
    const big = frame(1, Buffer.alloc(1024 * 1024, 'x'));
    const stream = new Demultiplexer();
    stream.write(big.subarray(0, 8 + 1000));
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    assert.equal(first.length, 1000, 'the first 1000 payload bytes come out at once');
    stream.destroy();
  });
});
