// Logs never threaten the process that serves them (issue 11, section 1), against the real engine
// and the API as a process of its own: the engine rotates a chatty container's log (LogConfig
// applied, its files bounded), the copy kept at teardown is capped with a marker, and a reader
// that stops reading a flood of output leaves the API's resident memory within a bound, then is
// dropped while the service still runs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serviceLogFile } from '../../executions/log-files.js';
import { caller, type Caller, waitForStatus } from '../helpers/api.js';
import { startProcessStack, type ProcessStack } from '../helpers/processes.js';

const MiB = 1024 ** 2;
const LINE = '0123456789'.repeat(10); // `yes` prints it with a newline: 101 bytes a line
/** About 40 MiB. */
const FLOOD_LINES = 415_000;
const ROTATE_MIB = 2;
const ROTATE_FILES = 2;
const KEEP_BYTES = MiB;
const STALL_S = 15;
/** What the API may grow by while a reader is stalled on a flood of output. */
const RSS_BOUND_MIB = 32;
const FINAL = (s: string) => s === 'terminated' || s === 'error';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function job(name: string, command: string) {
  return {
    name, version: 3, will_end: false, size: 1,
    services: [{
      name, image: 'zoe-local/busybox:1', monitor: true, startup_order: 0, essential_count: 1, total_count: 1,
      resources: { memory: { min: 32 * MiB, max: 32 * MiB }, cores: { min: 0.5, max: 0.5 } },
      ports: [], environment: [], volumes: [], command,
    }],
  };
}

/** Resident memory of a process, in bytes. */
function rss(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) * 1024;
}

void describe('service logs under a flood of output', { timeout: 10 * 60_000 }, () => {
  let stack: ProcessStack;
  let alice: Caller;
  const auth = { authorization: `Basic ${Buffer.from('alice:alice-pass').toString('base64')}` };

  before(async () => {
    stack = await startProcessStack({
      env: {
        ZOE_LOG_MAX_SIZE: String(ROTATE_MIB), ZOE_LOG_MAX_FILES: String(ROTATE_FILES),
        ZOE_LOG_KEEP_SIZE: String(KEEP_BYTES / MiB), ZOE_LOG_STALL_TIMEOUT: String(STALL_S),
      },
    });
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  });
  after(() => stack?.stop());

  async function start(name: string, command: string): Promise<{ id: number; serviceId: number }> {
    const reply = await alice('POST', '/execution', { name, application: job(name, command) });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const id = (reply.body as { execution_id: number }).execution_id;
    await waitForStatus(alice, id, (s) => s === 'running' || FINAL(s), 60_000);
    const serviceId = ((await alice('GET', `/execution/${id}`)).body as { services: number[] }).services[0]!;
    return { id, serviceId };
  }

  const logNow = async (serviceId: number) =>
    (await fetch(`${stack.apiUrl}/service/logs/${serviceId}?follow=0`, { headers: auth })).text();

  void it('rotates the log of a container that prints far more than the rotation size, and caps the kept copy with a marker', async () => {
    const { id, serviceId } = await start('flood', `sh -c 'yes ${LINE} | head -n ${FLOOD_LINES}; echo flood-done; sleep 3600'`);
    const deadline = Date.now() + 180_000;
    let now: string;
    while (!(now = await logNow(serviceId)).includes('flood-done')) {
      assert.ok(Date.now() < deadline, 'the container printed its 40 MiB within 3 minutes');
      await sleep(1_000);
    }
    const [container] = await stack.containers(id);
    const inspected = await stack.docker.getContainer(container!.Id).inspect();
    assert.deepEqual(inspected.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': `${ROTATE_MIB * 1024}k`, 'max-file': String(ROTATE_FILES) } });
    const files = readdirSync(dirname(inspected.LogPath)).filter((name) => name.startsWith(basename(inspected.LogPath)));
    const onDisk = files.reduce((sum, name) => sum + statSync(join(dirname(inspected.LogPath), name)).size, 0);
    assert.equal(files.length, ROTATE_FILES, `the engine rotated the log: ${files.join(', ')}`);
    assert.ok(onDisk <= ROTATE_FILES * (ROTATE_MIB * MiB + 4096), `the engine keeps ${onDisk} bytes of a 40 MiB output`);
    assert.ok(now.length < ROTATE_FILES * ROTATE_MIB * MiB, `follow=0 serves what the engine still has (${now.length} bytes)`);

    assert.equal((await alice('DELETE', `/execution/${id}`)).status, 204);
    await waitForStatus(alice, id, FINAL, 60_000);
    const kept = readFileSync(serviceLogFile(join(stack.dataDir, 'service-logs'), stack.deployment, id, 'flood0'), 'utf8');
    const [marker, ...lines] = kept.trimEnd().split('\n');
    assert.match(marker ?? '', /^\d{4}-\d\d-\d\dT\S+ \[zoe\] [\d.]+ (MiB|B) \((\d+) bytes\) of earlier output not kept: this copy holds the last 1 MiB of the service's output \(ZOE_LOG_KEEP_SIZE\)$/);
    assert.ok(kept.length - marker!.length - 1 <= KEEP_BYTES, `the copy holds ${kept.length} bytes`);
    assert.ok(lines.length > 1000, 'the copy holds the end of the output');
    assert.match(lines.at(-1)!, / flood-done$/);
    for (const line of lines.slice(0, -1)) assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+ ${LINE}$`), 'whole lines only');
    assert.equal(await logNow(serviceId), kept, 'the API serves the kept copy once the container is gone');
  });

  void it('keeps the API\'s memory bounded while a reader stalls on a flood, then drops that reader', async () => {
    // Two MiB every fifth of a second, for as long as it runs; a count of the rounds in the workspace.
    const count = join(stack.dataDir, 'workspaces', stack.deployment, 'alice', 'flood-rounds');
    const { id, serviceId } = await start('chatty',
      `sh -c 'i=0; while true; do yes ${LINE} | head -c ${2 * MiB}; i=$((i+1)); echo $i > /mnt/workspace/flood-rounds; sleep 0.2; done'`);
    const rounds = () => { try { return Number(readFileSync(count, 'utf8')); } catch { return 0; } };
    const pid = stack.api.pid()!;
    await logNow(serviceId); // the log route's code is loaded and warm
    const baseline = rss(pid);

    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${stack.apiUrl}/service/logs/${serviceId}`, { headers: auth }, resolve).on('error', reject));
    assert.equal(response.statusCode, 200);
    response.pause(); // the reader stops reading
    const closed = new Promise<void>((resolve) => response.once('close', resolve));
    response.on('error', () => undefined); // a dropped stream ends with "aborted": expected below
    const roundsBefore = rounds();
    let peak = baseline;
    for (const started = Date.now(); Date.now() - started < (STALL_S - 3) * 1000;) {
      peak = Math.max(peak, rss(pid));
      await sleep(250);
    }
    const produced = (rounds() - roundsBefore) * 2 * MiB;
    const growth = (peak - baseline) / MiB;
    console.log(`API resident memory: ${(baseline / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)} MiB ` +
      `(+${growth.toFixed(1)} MiB) while a stalled reader followed a service printing ${(produced / MiB).toFixed(0)} MiB`);
    assert.ok(produced >= 2 * RSS_BOUND_MIB * MiB, `the service printed ${produced / MiB} MiB meanwhile: enough to tell a bound from none`);
    assert.ok(growth < RSS_BOUND_MIB, `the API grew by ${growth.toFixed(1)} MiB while a reader stalled`);

    // Stalled past ZOE_LOG_STALL_TIMEOUT: the API drops the stream while the service still prints.
    await sleep(6_000);
    let after = 0;
    response.on('data', (chunk: Buffer) => void (after += chunk.length));
    response.resume(); // reads again

    const resumed = Date.now();
    const ended = await Promise.race([closed.then(() => true), sleep(20_000).then(() => false)]);
    assert.ok(ended, `the stalled stream was dropped (${after} bytes still arrived, from buffers)`);
    console.log(`the stalled reader was dropped: ${(after / MiB).toFixed(1)} MiB still arrived from buffers, closed ${Date.now() - resumed} ms after it read again`);
    assert.ok(after < 32 * MiB, 'what still arrives is what the buffers held, not the flood');
    assert.equal(((await alice('GET', `/execution/${id}`)).body as { status: string }).status, 'running', 'the service still runs');
    assert.equal((await alice('DELETE', `/execution/${id}`)).status, 204);
    await waitForStatus(alice, id, FINAL, 60_000);
  });
});
