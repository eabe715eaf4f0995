// The execution workflow itself, every ending, on a real Temporal dev server with in-memory
// activities (world.ts): the outcome and its reason, the statuses recorded, what was started,
// removed and given back to the scheduler. The test plays the scheduler; timers are real and short.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InstancePlan } from '../../../model/instance.js';
import { elasticPlan, executionInput, placement, plan } from '../../helpers/execution-plans.js';
import { type Execution, gate, startWorkflowWorld, until, type WorkflowWorld } from './world.js';

const KILL = 'user alice request from API';
const FULL_LIFE = ['queued', 'starting', 'running', 'cleaning up', 'terminated'];

void describe('the execution workflow, with stub activities', () => {
  let world: WorkflowWorld;
  let nextId = 100;
  before(async () => {
    world = await startWorkflowWorld();
  });
  after(() => world?.stop());

  /** One web instance; or a master with a port, an essential worker after it, two elastic workers. */
  const web = () => [plan('web0')];
  const cluster = () => [
    plan('master0', { ports: [8080] }), plan('worker0', { startupOrder: 1 }),
    elasticPlan('worker1', { startupOrder: 1 }), elasticPlan('worker2', { startupOrder: 1 }),
  ];

  async function start(instances: InstancePlan[], options: { runtimeLimitMs?: number } = {}) {
    const input = executionInput(nextId++, instances, { ...options, deployment: world.deployment });
    const execution = await world.start(input);
    const at = (name: string, host: string) => placement(input.executionId, instances.find((i) => i.instance === name)!, host);
    let seq = 0;
    return {
      ...execution,
      id: input.executionId,
      /** The scheduler admits every essential instance on h1 (or where `hosts` says). */
      admit: (hosts: Record<string, string> = {}) => execution.send('admitted', {
        seq: ++seq, placements: instances.filter((i) => i.essential).map((i) => at(i.instance, hosts[i.instance] ?? 'h1')),
      }),
      grow: (...grants: Array<[string, string]>) => execution.send('grow', { seq: ++seq, placements: grants.map(([name, host]) => at(name, host)) }),
      shrink: (name: string, host = 'h1') => execution.send('shrink', { seq: ++seq, placements: [at(name, host)] }),
      running: () => until(() => execution.record.statusSequence().includes('running'), 'the execution to run'),
    };
  }

  /** What this execution told the scheduler, e.g. `submit`, `release-instances worker1`, `release`. */
  async function toldScheduler(execution: Execution & { id: number }): Promise<string[]> {
    return (await world.toScheduler()).flatMap(({ name, payload }) => {
      const body = payload as { executionId?: number; request?: { executionId: number }; instances?: string[] };
      if ((body.executionId ?? body.request?.executionId) !== execution.id) return [];
      const verb = name.replace('zoe.scheduler.', '');
      return [body.instances ? `${verb} ${body.instances.join(',')}` : verb];
    });
  }

  void it('killed before admission: terminated with the reason, nothing started, withdrawn from the queue', async () => {
    const execution = await start(web());
    await until(() => execution.record.statusSequence().includes('queued'), 'the execution to queue');
    await execution.kill(KILL);
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: KILL });
    assert.deepEqual(execution.record.statusSequence(), ['queued', 'terminated']);
    assert.deepEqual(execution.record.started, []);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release']);
  });

  void it('refused by the scheduler: error with the scheduler\'s reason', async () => {
    const execution = await start(web());
    await execution.send('refused', { reason: 'web0 can never fit: it needs 64 GiB' });
    assert.deepEqual(await execution.result(), { status: 'error', reason: 'web0 can never fit: it needs 64 GiB' });
    assert.deepEqual(execution.record.statusSequence(), ['queued', 'error']);
    assert.deepEqual(execution.record.started, []);
    assert.deepEqual(execution.record.removed, []);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release']);
  });

  void it('an essential service exits: terminated with its exit code, everything removed and released', async () => {
    const execution = await start(web());
    await execution.admit();
    await execution.running();
    execution.exit('web0', 3);
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: 'essential service web0 exited with code 3' });
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(execution.record.serviceLines(), ['web0 starting/undefined', 'web0 active/started', 'web0 inactive/dead', 'web0 inactive/destroyed']);
    assert.equal(execution.record.services[2]!.exitCode, 3);
    assert.deepEqual(execution.record.removed, ['web0']);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release']);
    assert.equal(execution.record.statuses.at(-1)!.errorMessage, 'essential service web0 exited with code 3');
  });

  void it('an essential service killed by the OOM killer: the reason and the record name it', async () => {
    const execution = await start(web());
    await execution.admit();
    await execution.running();
    execution.exit('web0', 137, true);
    const outcome = await execution.result();
    assert.equal(outcome.status, 'terminated');
    assert.match(outcome.reason, /essential service web0 exited with code 137 \(killed: out of memory/);
    assert.ok(execution.record.serviceLines().includes('web0 inactive/oom-killed'));
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(execution.record.removed, ['web0']);
  });

  void it('killed while starting: the next startup group never starts, the started one is removed', async () => {
    const execution = await start(cluster());
    const ready = gate();
    execution.record.readinessGate = ready.promise;
    await execution.admit();
    await until(() => execution.record.started.includes('master0'), 'master0 to start');
    await execution.kill(KILL);
    ready.open(); // the kill takes effect once the group being started is up
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: KILL });
    assert.deepEqual(execution.record.statusSequence(), ['queued', 'starting', 'cleaning up', 'terminated']);
    assert.deepEqual(execution.record.started, ['master0']);
    assert.deepEqual(execution.record.removed, ['master0']);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release']);
  });

  void it('a start that fails for good (image missing): error with the back-end\'s reason, cleaned up', async () => {
    const execution = await start([plan('web0', { image: 'zoe-local/missing:1' })]);
    await execution.admit();
    const outcome = await execution.result();
    // The activity failure's message with its cause's, as users have always read it.
    assert.deepEqual(outcome, { status: 'error', reason: 'Activity task failed: image zoe-local/missing:1 is not available on the host: build or load it there first' });
    assert.deepEqual(execution.record.statusSequence(), ['queued', 'starting', 'cleaning up', 'error']);
    assert.deepEqual(execution.record.started, []);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release']);
  });

  void it('an elastic instance exits: removed, given back, started again once placed again; the execution runs on', async () => {
    const execution = await start(cluster());
    await execution.admit();
    await execution.running();
    await execution.grow(['worker1', 'h1'], ['worker2', 'h2']);
    await until(() => execution.record.started.length === 4, 'the elastic workers to start');
    execution.exit('worker1', 5);
    await until(async () => (await toldScheduler(execution)).includes('release-instances worker1'), 'worker1 to be given back');
    assert.deepEqual(execution.record.removed, ['worker1']);
    const died = execution.record.services.find((s) => s.instance === 'worker1' && s.backendStatus === 'dead')!;
    assert.equal(died.restarted, true);
    assert.equal(died.message, 'elastic service worker1 exited with code 5; it will be started again when resources allow');
    assert.equal((await execution.progress()).status, 'running');

    await execution.grow(['worker1', 'h2']);
    await until(() => execution.record.started.length === 5, 'worker1 to start again');
    assert.deepEqual(execution.record.started, ['master0', 'worker0', 'worker1', 'worker2', 'worker1']);
    assert.deepEqual(execution.record.prepared, ['h1', 'h2'], 'each host prepared once');
    await execution.kill(KILL);
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: KILL });
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(execution.record.removed, ['worker1', 'master0', 'worker0', 'worker2', 'worker1']);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release-instances worker1', 'release']);
  });

  void it('a grant shrunk before it started: never started, given back at once', async () => {
    const execution = await start(cluster());
    const ready = gate();
    execution.record.readinessGate = ready.promise;
    await execution.admit();
    await until(() => execution.record.started.includes('master0'), 'master0 to start');
    await execution.grow(['worker1', 'h1']);
    await execution.shrink('worker1');
    await until(async () => (await toldScheduler(execution)).includes('release-instances worker1'), 'worker1 to be given back');
    assert.equal((await execution.progress()).status, 'starting', 'given back while the execution still starts');
    ready.open();
    await execution.running();
    await execution.kill(KILL);
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: KILL });
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(execution.record.started, ['master0', 'worker0']);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release-instances worker1', 'release']);
  });

  void it('a running instance shrunk: removed, recorded and given back; the execution runs on', async () => {
    const execution = await start(cluster());
    await execution.admit();
    await execution.running();
    await execution.grow(['worker1', 'h1']);
    await until(() => execution.record.started.includes('worker1'), 'worker1 to start');
    await execution.shrink('worker1');
    await until(async () => (await toldScheduler(execution)).includes('release-instances worker1'), 'worker1 to be given back');
    assert.deepEqual(execution.record.removed, ['worker1']);
    assert.ok(execution.record.services.some((s) => s.instance === 'worker1' && s.message === 'worker1 given back to the scheduler'));
    assert.deepEqual((await execution.progress()).runningInstances, ['master0', 'worker0']);
    assert.equal((await execution.progress()).status, 'running');
    await execution.kill(KILL);
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: KILL });
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(execution.record.removed, ['worker1', 'master0', 'worker0']);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release-instances worker1', 'release']);
  });

  void it('the runtime limit ends a running execution', async () => {
    const execution = await start(web(), { runtimeLimitMs: 1_500 });
    await execution.admit();
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: 'Run time quota exceeded' });
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(execution.record.started, ['web0']);
    assert.deepEqual(execution.record.removed, ['web0']);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release']);
  });

  void it('a lost host with an essential instance ends it with the host\'s reason; teardown skips the host', async () => {
    const execution = await start(cluster());
    await execution.admit({ worker0: 'h2' });
    await execution.running();
    const reason = 'host h2 was lost: its engine has not answered for 300 s';
    await execution.send('host-lost', { host: 'h2', instances: ['worker0'], reason });
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: `${reason}; essential service worker0 was on it` });
    assert.deepEqual(execution.record.skippedHosts, ['h2']);
    assert.deepEqual(execution.record.removed, ['master0'], 'what was on the lost host cannot be removed');
    const lost = execution.record.services.find((s) => s.instance === 'worker0' && s.backendStatus === 'undefined' && s.status === 'inactive')!;
    assert.equal(lost.restarted, false);
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release']);
  });

  void it('a lost host with only elastic instances: they are forgotten and the execution runs on', async () => {
    const execution = await start(cluster());
    await execution.admit();
    await execution.running();
    await execution.grow(['worker1', 'h2']);
    await until(() => execution.record.started.includes('worker1'), 'worker1 to start');
    await execution.send('host-lost', { host: 'h2', instances: ['worker1'], reason: 'host h2 was lost' });
    await until(async () => !(await execution.progress()).runningInstances.includes('worker1'), 'worker1 to be forgotten');
    assert.equal((await execution.progress()).status, 'running');
    await execution.kill(KILL);
    assert.deepEqual(await execution.result(), { status: 'terminated', reason: KILL });
    assert.deepEqual(execution.record.statusSequence(), FULL_LIFE);
    assert.deepEqual(execution.record.skippedHosts, ['h2']);
    assert.deepEqual(execution.record.removed, ['master0', 'worker0']);
    const lost = execution.record.services.find((s) => s.instance === 'worker1' && s.status === 'inactive')!;
    assert.equal(lost.restarted, true, 'placed again by the scheduler');
    assert.deepEqual(await toldScheduler(execution), ['submit', 'release'], 'the scheduler already counts the lost instance gone');
  });

  void it('a placement message sent twice (a retried delivery) is taken once', async () => {
    const execution = await start(cluster());
    await execution.admit();
    await execution.running();
    const grant = { seq: 50, placements: [placement(execution.id, elasticPlan('worker1'), 'h1')] };
    await execution.send('grow', grant);
    await until(() => execution.record.started.includes('worker1'), 'worker1 to start');
    execution.exit('worker1', 1);
    await until(async () => (await toldScheduler(execution)).includes('release-instances worker1'), 'worker1 to be given back');
    await execution.send('grow', grant);
    await execution.kill(KILL);
    await execution.result();
    assert.deepEqual(execution.record.started.filter((i) => i === 'worker1'), ['worker1'], 'the repeated grant started nothing');
  });
});
