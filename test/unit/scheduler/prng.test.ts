import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32, randomIndex } from '../../../scheduler/prng.js';

void describe('mulberry32', () => {
  void it('repeats for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
  });

  void it('stays in [0, 1) and is roughly uniform', () => {
    const random = mulberry32(123);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i += 1) {
      const value = random();
      assert.ok(value >= 0 && value < 1);
      const bucket = randomIndex(random, 4);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    assert.ok(buckets.every((count) => count > 800 && count < 1200), String(buckets));
  });

  void it('accepts any JSON number as a seed', () => {
    assert.deepEqual(Array.from({ length: 3 }, mulberry32(2 ** 32 + 5)), Array.from({ length: 3 }, mulberry32(5)));
    assert.ok(Number.isFinite(mulberry32(-1.5)()));
  });
});
