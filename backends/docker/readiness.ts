// Readiness of a startup group: each declared TCP port accepts connections. The check connects to
// the container's address on the execution's network, which the worker reaches on the engine's own
// machine; a container that exits meanwhile fails the start at once, with its exit code.
import { connect } from 'node:net';
import { Failure, zoeFailure } from '../../model/failures.js';
import type Docker from 'dockerode';
import type { PortPlan } from '../../model/instance.js';

export interface ReadinessOptions {
  instance: string;
  network: string;
  ports: PortPlan[];
  timeoutMs: number;
  signal: AbortSignal;
  heartbeat: () => void;
}

export async function waitUntilReady(container: Docker.Container, options: ReadinessOptions): Promise<void> {
  const tcp = options.ports.filter((p) => p.protocol === 'tcp');
  if (tcp.length === 0) return;
  const deadline = Date.now() + options.timeoutMs;
  const pending = new Set(tcp);
  while (pending.size > 0) {
    options.heartbeat();
    if (options.signal.aborted) throw new Error('cancelled');
    const state = await container.inspect();
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
