// Waits for the first of an execution's containers to stop, on the engine's own wait
// endpoint (no polling). An engine that does not answer makes this throw, and Temporal retries it
// with back-off: an unreachable engine is never mistaken for a dead service.
import { setMaxListeners } from 'node:events';
import { isNotFound } from './errors.js';
import type { HostRegistry } from './hosts.js';
import { containerName } from '../../model/naming.js';

export interface WatchedInstance {
  instance: string;
  host: string;
}

export interface ExitReport {
  instance: string;
  exitCode: number;
  oomKilled: boolean;
  /** Plain sentence for the execution's reason: service, exit code, and OOM kill when that was the cause. */
  description: string;
}

export interface WatchOptions {
  deployment: string;
  executionId: number;
  instances: WatchedInstance[];
  maxWaitMs: number;
  signal: AbortSignal;
  heartbeat: () => void;
}

export async function waitForFirstExit(hosts: HostRegistry, options: WatchOptions): Promise<ExitReport | null> {
  const local = new AbortController();
  // Every watched container listens to this signal; the default limit of 10 would warn.
  setMaxListeners(options.instances.length * 4 + 10, local.signal);
  const abort = () => local.abort();
  options.signal.addEventListener('abort', abort);
  const beat = setInterval(options.heartbeat, 5_000);
  try {
    const checks = options.instances.map((watched) => watchOne(hosts, options, watched, local.signal));
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

async function watchOne(hosts: HostRegistry, options: WatchOptions, watched: WatchedInstance, signal: AbortSignal): Promise<ExitReport> {
  const container = hosts.get(watched.host).docker.getContainer(containerName(watched.instance, options.executionId, options.deployment));
  const report = async (): Promise<ExitReport | undefined> => {
    try {
      const state = (await container.inspect()).State;
      if (state.Running || state.Status === 'created') return undefined;
      return describeExit(watched.instance, state.ExitCode, state.OOMKilled);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { instance: watched.instance, exitCode: -1, oomKilled: false, description: `essential service ${watched.instance} disappeared (its container was removed outside Zoe)` };
    }
  };
  const already = await report();
  if (already) return already;
  await container.wait({ condition: 'not-running', abortSignal: signal });
  const exited = await report();
  if (exited) return exited;
  return Promise.reject(new Error(`${watched.instance} reported stopped but is still running`));
}

export function describeExit(instance: string, exitCode: number, oomKilled: boolean): ExitReport {
  const cause = oomKilled ? ' (killed: out of memory; raise its memory reservation)' : '';
  return { instance, exitCode, oomKilled, description: `essential service ${instance} exited with code ${exitCode}${cause}` };
}
