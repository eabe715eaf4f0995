// Readiness of a startup group: each declared TCP port accepts connections. The check connects to
// the container's address on the execution's network, which the worker reaches on the engine's own
// machine; a container that exits meanwhile fails the start at once, with its exit code.
import { connect } from 'node:net';
import type Docker from 'dockerode';
import { Failure, zoeFailure } from '../../model/failures.js';
import type { PortPlan } from '../../model/instance.js';
import type { WaitOptions } from '../contract.js';
import { isNotFound } from './errors.js';

export interface ReadinessOptions extends WaitOptions {
  instance: string;
  network: string;
  ports: PortPlan[];
  timeoutMs: number;
}

export async function waitUntilReady(container: Docker.Container, options: ReadinessOptions): Promise<void> {
  const tcp = options.ports.filter((p) => p.protocol === 'tcp');
  if (tcp.length === 0) return;
  const deadline = Date.now() + options.timeoutMs;
  const pending = new Set(tcp);
  while (pending.size > 0) {
    options.heartbeat();
    if (options.signal.aborted) throw options.signal.reason;
    const state = await inspectOrVanished(container, options.instance);
    if (!state.State.Running) {
      throw zoeFailure(Failure.ServiceExitedDuringStart,
        `${options.instance} exited with code ${state.State.ExitCode} before its ports accepted connections`);
    }
    const address = state.NetworkSettings.Networks[options.network]?.IPAddress;
    if (address) {
      for (const port of [...pending]) {
        if (await accepts(address, port.port, 1_000)) pending.delete(port);
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      throw zoeFailure(Failure.ReadinessTimeout,
        `${options.instance} did not accept connections on ${[...pending].map((p) => p.internalName).join(', ')} ` +
          `within ${Math.round(options.timeoutMs / 1000)} s (ZOE_READINESS_TIMEOUT)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function inspectOrVanished(container: Docker.Container, instance: string): Promise<Docker.ContainerInspectInfo> {
  try {
    return await container.inspect();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw zoeFailure(Failure.ServiceExitedDuringStart, `${instance} disappeared before its ports accepted connections (its container was removed outside Zoe)`);
  }
}

function accepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
