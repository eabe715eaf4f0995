// Waits for the first of an execution's containers to stop, on the engine's own wait
// endpoint (no polling). An engine that does not answer makes this throw, and Temporal retries it
// with back-off: an unreachable engine is never mistaken for a dead service.
import { setMaxListeners } from 'node:events';
import type { ExitReport, InstanceRef, WaitOptions } from '../contract.js';
import { describeExit, vanishedExit } from '../exits.js';
import { isNotFound } from './errors.js';
import type { HostRegistry } from './hosts.js';
import { containerName } from '../../model/naming.js';

export interface WatchOptions extends WaitOptions {
  maxWaitMs: number;
}

export async function waitForFirstExit(hosts: HostRegistry, refs: InstanceRef[], options: WatchOptions): Promise<ExitReport | null> {
  const local = new AbortController();
  // Every watched container listens to this signal; the default limit of 10 would warn.
  setMaxListeners(refs.length * 4 + 10, local.signal);
  const abort = () => local.abort();
  options.signal.addEventListener('abort', abort);
  const beat = setInterval(options.heartbeat, 5_000);
  try {
    const checks = refs.map((ref) => watchOne(hosts, ref, local.signal));
    const timeout = new Promise<null>((resolve) => {
      const timer = setTimeout(() => resolve(null), options.maxWaitMs);
      local.signal.addEventListener('abort', () => clearTimeout(timer));
    });
    // Cancellation ends the watch even when an engine request does not honour the abort signal
    // (one started after the abort, or one stuck on a connection to an engine that went away):
    // otherwise a stuck request would keep the activity, and the worker's shutdown, waiting.
    const cancelled = new Promise<never>((_resolve, reject) => {
      const stop = () => reject(options.signal.reason instanceof Error ? options.signal.reason : new Error('the watch was cancelled'));
      if (options.signal.aborted) stop();
      else options.signal.addEventListener('abort', stop, { once: true });
    });
    cancelled.catch(() => undefined); // a watch that ends otherwise leaves this one pending, unobserved
    return await Promise.race([...checks, timeout, cancelled]);
  } finally {
    clearInterval(beat);
    options.signal.removeEventListener('abort', abort);
    local.abort();
  }
}

async function watchOne(hosts: HostRegistry, ref: InstanceRef, signal: AbortSignal): Promise<ExitReport> {
  const container = hosts.get(ref.host).docker.getContainer(containerName(ref.instance, ref.executionId, ref.deployment));
  const report = async (): Promise<ExitReport | undefined> => {
    try {
      const state = (await container.inspect()).State;
      if (state.Running || state.Status === 'created') return undefined;
      return describeExit(ref.instance, state.ExitCode, state.OOMKilled);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return vanishedExit(ref.instance);
    }
  };
  const already = await report();
  if (already) return already;
  await container.wait({ condition: 'not-running', abortSignal: signal });
  const exited = await report();
  if (exited) return exited;
  return Promise.reject(new Error(`${ref.instance} reported stopped but is still running`));
}
