// Every way an execution ends, through its program (no Temporal): the outcome and its reason, the
// statuses recorded, what was started, removed and given back, and the commands in their order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elasticPlan, executionInput, exitOf, placement, plan } from '../../helpers/execution-plans.js';
import { simulate, type World } from './simulate.js';

const KILL = 'user alice request from API';

/** A master with a port (group 0), an essential worker (group 1), two elastic workers. */
function cluster(options: { runtimeLimitMs?: number } = {}) {
  const master = plan('master0', { ports: [8080] });
  const worker = plan('worker0', { startupOrder: 1 });
  const spare = [elasticPlan('worker1', { startupOrder: 1 }), elasticPlan('worker2', { startupOrder: 1 })];
  return { master, worker, spare, input: executionInput(7, [master, worker, ...spare], options) };
}

const web = (options: { runtimeLimitMs?: number } = {}) => executionInput(3, [plan('web0')], options);

/** The scheduler admits every essential instance on h1. */
function admit(world: World, seq = 1, host = 'h1'): void {
  const essentials = world.state.input.instances.filter((i) => i.essential);
  world.send({ kind: 'admitted', payload: { seq, placements: essentials.map((i) => placement(world.state.input.executionId, i, host)) } });
}

function grow(world: World, seq: number, ...instances: Array<[string, string]>): void {
  const placements = instances.map(([name, host]) => placement(world.state.input.executionId, world.state.input.instances.find((i) => i.instance === name)!, host));
  world.send({ kind: 'grow', payload: { seq, placements } });
}

void describe('the execution program: how an execution ends', () => {
  void it('killed before admission: nothing starts, no cleaning up, the kill\'s reason', () => {
    const sim = simulate(web(), { queued: (world) => world.kill(KILL) });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
    assert.deepEqual(sim.statuses, ['queued', 'terminated']);
    assert.deepEqual(sim.commands, [
      'status queued: waiting for the scheduler to admit the essential services',
      'submit',
      'await admission',
      'remove all but on []: ',
      'release',
      `status terminated: ${KILL}`,
    ]);
  });

  void it('refused by the scheduler: it ends in error with the scheduler\'s reason', () => {
    const reason = 'instance web0 needs 64 GiB of memory; the largest host has 16 GiB';
    const sim = simulate(web(), { queued: (world) => world.send({ kind: 'refused', payload: { reason } }) });
    assert.deepEqual(sim.outcome, { status: 'error', reason });
    assert.deepEqual(sim.statuses, ['queued', 'error']);
    assert.deepEqual(sim.started, []);
  });

  void it('an essential service exits: the exit ends it, with the code in the reason, and the service\'s record says dead', () => {
    const sim = simulate(web(), { queued: (world) => admit(world), watch: () => exitOf('web0', 3) });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: 'essential service web0 exited with code 3' });
    assert.deepEqual(sim.statuses, ['queued', 'starting', 'running', 'cleaning up', 'terminated']);
    assert.deepEqual(sim.commands, [
      'status queued: waiting for the scheduler to admit the essential services',
      'submit',
      'await admission',
      'status starting: essential services admitted; starting them',
      'prepare h1',
      'service web0 starting/undefined: starting web0 on h1',
      'start web0@h1',
      'service web0 active/started: web0 started on h1',
      'status running: all essential services are running',
      'watch web0@h1',
      'service web0 inactive/dead: essential service web0 exited with code 3',
      'status cleaning up: cleaning up: essential service web0 exited with code 3',
      'remove all but on []: ',
      'release',
      'status terminated: essential service web0 exited with code 3',
    ]);
    assert.deepEqual(sim.seqs, [1, 2, 3, 4, 5, 6, 7, 8], 'every record numbered in order, none twice');
  });

  void it('an essential service killed by the OOM killer: the reason names it and the record says oom-killed', () => {
    const sim = simulate(web(), { queued: (world) => admit(world), watch: () => exitOf('web0', 137, true) });
    assert.match(sim.outcome.reason, /exited with code 137 \(killed: out of memory/);
    assert.ok(sim.commands.includes('service web0 inactive/oom-killed: essential service web0 exited with code 137 (killed: out of memory; raise its memory reservation)'));
  });

  void it('killed while starting: the group being started finishes, the next never starts, everything is removed', () => {
    const { input } = cluster();
    const sim = simulate(input, { queued: (world) => admit(world), readiness: (world) => world.kill(KILL) });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
    assert.deepEqual(sim.statuses, ['queued', 'starting', 'cleaning up', 'terminated']);
    assert.deepEqual(sim.started, ['master0']);
    assert.ok(sim.commands.includes('await readiness master0'));
    assert.deepEqual(sim.removed, ['master0']);
    assert.ok(sim.commands.includes('service master0 inactive/destroyed: master0 removed'));
  });

  void it('admitted and killed at once: starting is recorded, hosts prepared, and nothing starts', () => {
    const sim = simulate(cluster().input, { queued: (world) => { admit(world); world.kill(KILL); } });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
    assert.deepEqual(sim.statuses, ['queued', 'starting', 'cleaning up', 'terminated']);
    assert.deepEqual(sim.started, []);
    assert.ok(sim.commands.includes('prepare h1'));
  });

  void it('a start fails for good (image missing): it ends in error with the failure, after cleaning up', () => {
    const failure = 'image zoe-local/missing:1 is not available on the host: build or load it there first';
    const sim = simulate(web(), { queued: (world) => admit(world), starting: () => failure });
    assert.deepEqual(sim.outcome, { status: 'error', reason: failure });
    assert.deepEqual(sim.statuses, ['queued', 'starting', 'cleaning up', 'error']);
    assert.deepEqual(sim.started, []);
  });

  void it('a placement missing from the admission fails the start with the reason', () => {
    const sim = simulate(cluster().input, {
      queued: (world) => world.send({ kind: 'admitted', payload: { seq: 1, placements: [placement(7, world.state.input.instances[0]!, 'h1')] } }),
    });
    assert.deepEqual(sim.outcome, { status: 'error', reason: 'the scheduler sent no placement for worker0' });
  });

  void it('an elastic instance exits: removed, recorded, given back, started again when placed again; the execution runs on', () => {
    const sim = simulate(cluster().input, {
      queued: (world) => admit(world),
      watch(world, n) {
        if (n === 0) return void grow(world, 2, ['worker1', 'h1'], ['worker2', 'h2']);
        if (n === 1) return exitOf('worker1', 5);
        if (n === 2) return void grow(world, 3, ['worker1', 'h2']);
        return void world.kill(KILL);
      },
    });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
    assert.deepEqual(sim.statuses, ['queued', 'starting', 'running', 'cleaning up', 'terminated']);
    assert.deepEqual(sim.started, ['master0', 'worker0', 'worker1', 'worker2', 'worker1']);
    assert.deepEqual(sim.released, ['worker1']);
    const exited = sim.commands.indexOf('remove worker1@h1');
    assert.deepEqual(sim.commands.slice(exited, exited + 4), [
      'remove worker1@h1',
      'service worker1 inactive/dead: elastic service worker1 exited with code 5; it will be started again when resources allow',
      'release-instances worker1',
      'watch master0@h1,worker0@h1,worker2@h2',
    ]);
    assert.ok(sim.commands.includes('prepare h2'), 'a host is prepared before its first instance starts there');
    assert.equal(sim.commands.filter((c) => c === 'prepare h2').length, 1, 'and only once');
    assert.ok(sim.commands.includes('watch master0@h1,worker0@h1,worker2@h2,worker1@h2'));
  });

  void it('a grant shrunk before it started is never started and given back at once', () => {
    const sim = simulate(cluster().input, {
      queued: (world) => admit(world),
      readiness(world) {
        grow(world, 2, ['worker1', 'h1'], ['worker2', 'h1']);
        world.send({ kind: 'shrink', payload: { seq: 3, placements: [placement(7, world.state.input.instances[2]!, 'h1')] } });
      },
      watch: (world) => void world.kill(KILL),
    });
    assert.deepEqual(sim.released, ['worker1']);
    assert.ok(sim.commands.includes('release-instances worker1 (at once)'));
    assert.deepEqual(sim.started, ['master0', 'worker0', 'worker2']);
  });

  void it('a running instance shrunk: removed and given back between two watches; the execution runs on', () => {
    const sim = simulate(cluster().input, {
      queued: (world) => admit(world),
      watch(world, n) {
        if (n === 0) return void grow(world, 2, ['worker1', 'h1']);
        if (n === 1) return void world.send({ kind: 'shrink', payload: { seq: 3, placements: [placement(7, world.state.input.instances[2]!, 'h1')] } });
        world.kill(KILL);
      },
    });
    const shrunk = sim.commands.indexOf('remove worker1@h1');
    assert.deepEqual(sim.commands.slice(shrunk, shrunk + 4), [
      'remove worker1@h1',
      'service worker1 inactive/destroyed: worker1 given back to the scheduler',
      'release-instances worker1',
      'watch master0@h1,worker0@h1',
    ]);
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
  });

  void it('a shrink of an instance already gone is still answered, so the scheduler stops waiting for it', () => {
    const sim = simulate(cluster().input, {
      queued: (world) => admit(world),
      watch(world, n) {
        if (n === 0) return void world.send({ kind: 'shrink', payload: { seq: 2, placements: [placement(7, world.state.input.instances[3]!, 'h1')] } });
        world.kill(KILL);
      },
    });
    assert.deepEqual(sim.released, ['worker2']);
    assert.ok(!sim.commands.some((c) => c.startsWith('remove worker2')), 'nothing to remove');
  });

  void it('the runtime limit ends it, counted from the moment it runs, whatever interrupts the watches', () => {
    const sim = simulate(cluster({ runtimeLimitMs: 5_000 }).input, {
      queued: (world) => admit(world),
      watch(world, n, command) {
        if (n === 0) {
          assert.equal(command.maxWaitMs, 5_000);
          world.advance(2_000);
          return void grow(world, 2, ['worker1', 'h1']);
        }
        assert.equal(command.maxWaitMs, 3_000, 'the next watch lasts what is left');
        return 'timeout';
      },
    });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: 'Run time quota exceeded' });
    assert.deepEqual(sim.statuses, ['queued', 'starting', 'running', 'cleaning up', 'terminated']);
  });

  void it('with no runtime limit a watch lasts an hour and the execution runs on', () => {
    const sim = simulate(web(), {
      queued: (world) => admit(world),
      watch(world, n, command) {
        assert.equal(command.maxWaitMs, 60 * 60 * 1000);
        if (n < 3) return 'timeout';
        return void world.kill(KILL);
      },
    });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
  });

  void it('a lost host with an essential instance ends it with the host\'s reason; teardown skips that host', () => {
    const reason = 'host h2 was lost: its engine has not answered for 300 s';
    const sim = simulate(cluster().input, {
      queued: (world) => world.send({ kind: 'admitted', payload: { seq: 1, placements: [
        placement(7, world.state.input.instances[0]!, 'h1'), placement(7, world.state.input.instances[1]!, 'h2')] } }),
      watch: (world) => void world.send({ kind: 'host-lost', payload: { host: 'h2', instances: ['worker0'], reason } }),
    });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: `${reason}; essential service worker0 was on it` });
    assert.ok(sim.commands.includes(`service worker0 inactive/undefined: worker0: ${reason}`));
    assert.ok(sim.commands.includes('remove all but on [h2]: master0'));
    assert.deepEqual(sim.statuses, ['queued', 'starting', 'running', 'cleaning up', 'terminated']);
  });

  void it('a lost host with only elastic instances: they are forgotten (placed again by the scheduler) and the execution runs on', () => {
    const reason = 'host h2 was lost: its engine has not answered for 300 s';
    const sim = simulate(cluster().input, {
      queued: (world) => admit(world),
      watch(world, n) {
        if (n === 0) return void grow(world, 2, ['worker1', 'h2']);
        if (n === 1) return void world.send({ kind: 'host-lost', payload: { host: 'h2', instances: ['worker1'], reason } });
        world.kill(KILL);
      },
    });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
    assert.ok(sim.commands.includes(`service worker1 inactive/undefined: worker1: ${reason}`));
    assert.ok(sim.commands.includes('watch master0@h1,worker0@h1'), 'watching goes on without it');
    assert.ok(sim.commands.includes('remove all but on [h2]: master0,worker0'));
    assert.deepEqual(sim.released, [], 'nothing to give back: the scheduler already counts it lost');
  });
});

void describe('the execution program: which ending wins when several arrive together', () => {
  void it('a kill wins over an exit reported by the same watch', () => {
    const sim = simulate(web(), { queued: (world) => admit(world), watch: (world) => { world.kill(KILL); return exitOf('web0', 1); } });
    assert.deepEqual(sim.outcome, { status: 'terminated', reason: KILL });
    assert.ok(!sim.commands.some((c) => c.includes('inactive/dead')), 'the exit is not recorded');
  });

  void it('a lost host wins over an exit, and an exit over the runtime limit', () => {
    const reason = 'host h1 was lost: its engine has not answered for 300 s';
    const lost = simulate(web(), {
      queued: (world) => admit(world),
      watch: (world) => { world.send({ kind: 'host-lost', payload: { host: 'h1', instances: ['web0'], reason } }); return exitOf('web0', 1); },
    });
    assert.deepEqual(lost.outcome, { status: 'terminated', reason: `${reason}; essential service web0 was on it` });

    const exited = simulate(web({ runtimeLimitMs: 1_000 }), {
      queued: (world) => admit(world),
      watch: (world) => { world.advance(1_000); return exitOf('web0', 0); },
    });
    assert.deepEqual(exited.outcome, { status: 'terminated', reason: 'essential service web0 exited with code 0' });
  });
});
