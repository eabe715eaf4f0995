// What each message does to an execution's state (workflows/execution/state.ts), and the one table
// of the scheduler's messages (workflows/messages.ts) whose signal names running executions and
// recorded histories depend on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elasticPlan, executionInput, placement, plan } from '../../helpers/execution-plans.js';
import { startupGroups } from '../../../workflows/execution/program.js';
import {
  admissionSettled, createState, progressOf, receive, requestKill, watchInterrupted,
} from '../../../workflows/execution/state.js';
import { SCHEDULER_MESSAGE_KINDS, schedulerSignals, signalOf } from '../../../workflows/messages.js';

const master = plan('master0');
const workers = [elasticPlan('worker1'), elasticPlan('worker2')];
const fresh = () => createState(executionInput(9, [master, ...workers]));
const at = (host: string, ...instances: typeof workers) => instances.map((i) => placement(9, i, host));

void describe('the scheduler\'s messages to an execution', () => {
  void it('keep the signal names executions already running listen to, and register in the original order', () => {
    assert.deepEqual(SCHEDULER_MESSAGE_KINDS, ['admitted', 'refused', 'grow', 'shrink', 'host-lost']);
    assert.deepEqual(SCHEDULER_MESSAGE_KINDS.map((kind) => schedulerSignals[kind].name), [
      'zoe.execution.admitted', 'zoe.execution.refused', 'zoe.execution.grow', 'zoe.execution.shrink', 'zoe.execution.host-lost',
    ]);
    assert.deepEqual(signalOf({ kind: 'refused', payload: { reason: 'never fits' } }), { name: 'zoe.execution.refused', payload: { reason: 'never fits' } });
  });

  void it('admitted: the first admission counts; the wait for admission is over', () => {
    const state = fresh();
    assert.equal(admissionSettled(state), false);
    receive(state, { kind: 'admitted', payload: { seq: 4, placements: [placement(9, master, 'h1')] } });
    receive(state, { kind: 'admitted', payload: { seq: 5, placements: [placement(9, master, 'h2')] } });
    assert.deepEqual(state.admitted, [placement(9, master, 'h1')]);
    assert.equal(admissionSettled(state), true);
  });

  void it('a placement message sent again, or older than one already taken, is ignored', () => {
    const state = fresh();
    receive(state, { kind: 'grow', payload: { seq: 10, placements: at('h1', workers[0]!) } });
    receive(state, { kind: 'grow', payload: { seq: 10, placements: at('h1', workers[0]!) } });
    receive(state, { kind: 'grow', payload: { seq: 9, placements: at('h1', workers[1]!) } });
    assert.deepEqual(state.grants.map((g) => g.instance), ['worker1']);
    assert.deepEqual(receive(state, { kind: 'shrink', payload: { seq: 10, placements: at('h1', workers[0]!) } }), [], 'an old shrink does nothing');
    assert.deepEqual(state.grants.map((g) => g.instance), ['worker1']);
  });

  void it('grow: grants wait to be started, and interrupt the watch', () => {
    const state = fresh();
    assert.equal(watchInterrupted(state), false);
    receive(state, { kind: 'grow', payload: { seq: 1, placements: at('h1', ...workers) } });
    assert.deepEqual(state.grants.map((g) => g.instance), ['worker1', 'worker2']);
    assert.equal(watchInterrupted(state), true);
  });

  void it('shrink: a grant not started yet is dropped and given back at once; a started one is stopped later', () => {
    const state = fresh();
    receive(state, { kind: 'grow', payload: { seq: 1, placements: at('h1', workers[0]!) } });
    state.running.push({ instance: 'worker2', host: 'h1' });
    const release = receive(state, { kind: 'shrink', payload: { seq: 2, placements: at('h1', ...workers) } });
    assert.deepEqual(release, ['worker1']);
    assert.deepEqual(state.grants, []);
    assert.deepEqual(state.shrinks, ['worker2']);
  });

  void it('refused: the first reason counts, and the wait for admission is over', () => {
    const state = fresh();
    receive(state, { kind: 'refused', payload: { reason: 'first' } });
    receive(state, { kind: 'refused', payload: { reason: 'second' } });
    assert.equal(state.refusal, 'first');
    assert.equal(admissionSettled(state), true);
  });

  void it('host lost: kept in order until the program handles it after the watch', () => {
    const state = fresh();
    receive(state, { kind: 'host-lost', payload: { host: 'h1', instances: ['master0'], reason: 'gone' } });
    receive(state, { kind: 'host-lost', payload: { host: 'h2', instances: [], reason: 'gone too' } });
    assert.deepEqual(state.lostHosts.map((l) => l.host), ['h1', 'h2']);
    assert.equal(watchInterrupted(state), true);
  });

  void it('kill: the first reason counts; it ends the wait for admission and interrupts the watch', () => {
    const state = fresh();
    requestKill(state, 'user alice request from API');
    requestKill(state, 'admin request');
    assert.deepEqual(state.kill, { reason: 'user alice request from API' });
    assert.equal(admissionSettled(state), true);
    assert.equal(watchInterrupted(state), true);
  });

  void it('the progress query answers the status, the reason once ended, and what runs', () => {
    const state = fresh();
    state.running.push({ instance: 'master0', host: 'h1' });
    assert.deepEqual(progressOf(state), { status: 'submitted', reason: undefined, runningInstances: ['master0'] });
  });
});

void describe('startup groups', () => {
  void it('group instances by startup order, ascending, keeping the ZApp\'s order within a group', () => {
    const a = plan('a0', { startupOrder: 2 });
    const b = plan('b0', { startupOrder: 0 });
    const c = plan('c0', { startupOrder: 2 });
    const d = plan('d0', { startupOrder: 1 });
    assert.deepEqual(startupGroups([a, b, c, d]).map((group) => group.map((i) => i.instance)), [['b0'], ['d0'], ['a0', 'c0']]);
  });
});
