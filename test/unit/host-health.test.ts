// The scheduler's host outage rule (pure): offline at once, lost after the grace period, back when
// it answers; capacities known only once every host has answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capacitiesKnown, mergeInventory } from '../../workflows/scheduler/host-health.js';

const up = (name: string, memory = 100, cores = 4) => ({ name, memory, cores, labels: ['x'], online: true });
const down = (name: string) => ({ name, memory: 0, cores: 0, labels: ['x'], online: false });

void describe('host outages', () => {
  void it('keeps the last known capacity of a host that stops answering, and marks it offline', () => {
    const merged = mergeInventory([up('a', 64, 8)], [down('a')], {}, 1_000, 5_000);
    assert.deepEqual(merged.hosts, [{ name: 'a', memory: 64, cores: 8, labels: ['x'], online: false }]);
    assert.deepEqual(merged.health, { a: { offlineSince: 1_000, lost: false } });
    assert.deepEqual(merged.newlyLost, []);
  });

  void it('declares it lost once, after the grace period', () => {
    const first = mergeInventory([up('a')], [down('a')], {}, 1_000, 5_000);
    const early = mergeInventory(first.hosts, [down('a')], first.health, 5_999, 5_000);
    assert.deepEqual(early.newlyLost, []);
    const late = mergeInventory(early.hosts, [down('a')], early.health, 6_000, 5_000);
    assert.deepEqual(late.newlyLost, ['a']);
    const later = mergeInventory(late.hosts, [down('a')], late.health, 9_000, 5_000);
    assert.deepEqual(later.newlyLost, [], 'a host is lost once');
    const back = mergeInventory(later.hosts, [up('a')], later.health, 10_000, 5_000);
    assert.deepEqual(back.health, { a: {} });
    assert.equal(back.hosts[0]?.online, true);
  });

  void it('does not claim to know the capacity of a host never heard from', () => {
    assert.equal(capacitiesKnown([up('a'), down('b')]), false);
    assert.equal(capacitiesKnown([up('a'), { ...up('b'), online: false }]), true);
    assert.equal(capacitiesKnown([]), false);
  });
});
