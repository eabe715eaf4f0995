// Two Docker hosts for multi-host tests: the machine's engine as host `home`, and a second, private
// engine reached through a relay socket as host `away`, which a test can cut off and bring back.
// The stack finds them as a deployment would: in a host file (ZOE_HOSTS_FILE).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { caller, type Caller } from './api.js';
import { engineRelay, type EngineRelay } from './engine-relay.js';
import { startSecondEngine, type SecondEngine } from './second-engine.js';
import { startTestStack, type TestStack } from './stack.js';

const MiB = 1024 ** 2;

/** A one-service ZApp that runs until killed, on a host carrying `labels`. */
export const labelledJob = (name: string, labels: string[]) => ({
  name, version: 3, will_end: false, size: 1,
  services: [{
    name: 'job', image: 'zoe-local/busybox:1', monitor: true, startup_order: 0, essential_count: 1, total_count: 1,
    resources: { memory: { min: 16 * MiB, max: 16 * MiB }, cores: { min: 0.1, max: 0.1 } },
    ports: [], environment: [], volumes: [], command: 'sleep 3600', labels,
  }],
});

export interface TwoHosts {
  stack: TestStack;
  relay: EngineRelay;
  engine: SecondEngine;
  alice: Caller;
  stop(): Promise<void>;
}

export async function startTwoHosts(env: Record<string, string> = {}): Promise<TwoHosts> {
  const engine = await startSecondEngine();
  const relay = engineRelay(engine.socketPath);
  await relay.start();
  const hostsFile = join(mkdtempSync(join(tmpdir(), 'zoe-hosts-')), 'hosts.conf');
  writeFileSync(hostsFile, [
    '[DEFAULT]', 'external_address: 127.0.0.1', 'use_tls: no', '',
    '[home]', `docker_address: ${process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}`, 'labels: home', '',
    '[away]', `docker_address: unix://${relay.socketPath}`, 'labels: away', '',
  ].join('\n'));
  const stack = await startTestStack({ env: { ZOE_HOSTS_FILE: hostsFile, ...env } });
  return {
    stack, relay, engine,
    alice: caller(stack.apiUrl, 'alice', 'alice-pass'),
    stop: async () => {
      try {
        await relay.start();
        await stack.stop();
      } finally {
        await relay.stop();
        await engine.stop(); // even when the stack's stop failed: no engine outlives the test
        rmSync(dirname(hostsFile), { recursive: true, force: true });
      }
    },
  };
}
