// A container's output as a stream, live or as it is now: the engine's logs endpoint (always
// asked for as a stream, so `follow=false` is never buffered whole) piped through the
// demultiplexer with back-pressure end to end. A reader that stops reading stops the pipe, which
// stops reading the engine's socket, and TCP then holds the engine back: nothing piles up here.
import { addAbortSignal, pipeline, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { Demultiplexer } from './demux.js';
import { engineUnavailable, isConflict, isNotFound } from './errors.js';

interface Dialable {
  modem: { dial(options: object, callback: (error: Error | null, stream: unknown) => void): void };
}

/** The engine's raw, multiplexed log stream; dockerode buffers the whole log unless asked to follow. */
function engineLogStream(container: Docker.Container, follow: boolean, signal: AbortSignal | undefined): Promise<Readable> {
  return new Promise((resolve, reject) => {
    (container as unknown as Dialable).modem.dial({
      path: `/containers/${container.id}/logs?`,
      method: 'GET',
      isStream: true,
      ...(signal ? { abortSignal: signal } : {}),
      statusCodes: { 200: true, 404: 'no such container', 409: 'container is being removed', 500: 'server error' },
      options: { stdout: true, stderr: true, timestamps: true, follow },
    }, (error, stream) => (error ? reject(error) : resolve(stream as Readable)));
  });
}

/** The container's output with timestamps; undefined when it does not exist (or is being removed). */
export async function openContainerLogs(container: Docker.Container, follow: boolean, signal?: AbortSignal): Promise<Readable | undefined> {
  let raw: Readable;
  try {
    raw = await engineLogStream(container, follow, signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (isNotFound(error) || isConflict(error)) return undefined;
    throw engineUnavailable(error, `reading the output of ${container.id}`);
  }
  const out = pipeline(raw, new Demultiplexer(), () => undefined); // errors reach the reader through `out`
  if (signal) addAbortSignal(signal, out);
  return out;
}
