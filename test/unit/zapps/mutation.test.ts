// Random mutations of valid ZApps (seeded, so a failure reproduces): whatever the input, the
// validator returns a verdict, never throws, never writes to its input and keeps messages short.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findJsonSyntaxError } from '../../../zapps/json-syntax.js';
import { parseZAppJson, validateZApp, type ZAppValidation } from '../../../zapps/validate.js';
import { withoutReferenceMaterial } from '../../helpers/reference.js';
import { baseZApp, deepFreeze, limits, readJson, referenceDir, type Json } from './helpers.js';
import { mulberry32 } from '../../../scheduler/prng.js';

/** The scheduler's seeded PRNG picks the mutations: the same seed, the same run. */
const prng = mulberry32;

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

function deepNesting(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { nested: value };
  return value;
}

const hugeString = 'x'.repeat(200_000);
const strangeValues: (() => Json)[] = [
  () => null, () => true, () => 0, () => -1, () => 1.5, () => -0, () => 2 ** 60, () => 1e308, () => -1e308,
  () => 65536, () => 1023, () => '', () => 'x', () => '{', () => '}', () => '{dns_name#nobody0}', () => 'UPPER:tag',
  () => hugeString, () => [], () => ({}), () => [[]], () => ['A', 'B', 'C'], () => deepNesting(1000),
  () => ({ __proto__: 'polluted' }), () => '__proto__',
];

/** Every [container, key] in the tree, to pick a place to mutate. */
function places(root: Json): [Json[] | Record<string, Json>, string | number][] {
  const found: [Json[] | Record<string, Json>, string | number][] = [];
  const pending: Json[] = [root];
  while (pending.length > 0) {
    const node = pending.pop() ?? null;
    if (Array.isArray(node)) node.forEach((child, index) => { found.push([node, index]); pending.push(child); });
    else if (node !== null && typeof node === 'object') for (const [key, child] of Object.entries(node)) { found.push([node, key]); pending.push(child); }
  }
  return found;
}

function mutate(root: Json, random: Random): void {
  const all = places(root);
  if (all.length === 0) return;
  const [container, key] = pick(random, all);
  const record = container as Record<string | number, Json>;
  switch (pick(random, ['delete', 'replace', 'replace', 'number', 'add', 'duplicate'] as const)) {
    case 'delete':
      if (Array.isArray(container)) container.splice(Number(key), 1); else delete record[key];
      return;
    case 'replace': record[key] = pick(random, strangeValues)(); return;
    case 'number': record[key] = pick(random, [-1, 0, 1, 3, 1024, 65535, 65536, 16, 17, 0.05, 64 * 1024 ** 3 + 1]); return;
    case 'add':
      if (Array.isArray(container)) container.push(pick(random, strangeValues)()); else record[`unknown_${Math.floor(random() * 5)}`] = 1;
      return;
    case 'duplicate':
      if (Array.isArray(container)) container.push(structuredClone(container[Number(key)] ?? null));
      return;
  }
}

function assertVerdict(result: ZAppValidation): void {
  if (result.valid) {
    // A valid verdict is stable: the parsed ZApp validates again to itself.
    assert.deepEqual(validateZApp(deepFreeze(structuredClone(result.zapp)), limits), result);
    return;
  }
  assert.ok(result.errors.length > 0, 'an invalid verdict names at least one problem');
  for (const problem of result.errors) {
    assert.equal(typeof problem.path, 'string');
    assert.ok(problem.message.length > 0 && problem.message.length < 600, `message length ${problem.message.length}`);
    assert.ok(!problem.message.startsWith('The description could not be read'), `the validator failed internally: ${problem.message}`);
  }
}

const skip = withoutReferenceMaterial(import.meta.url, "the validator on random mutations of the original project's ZApps");
const seeds = skip ? [] : [
  baseZApp(),
  readJson(path.join(referenceDir, 'zoe-zapps', 'complex_zapp.json')) as Json,
  readJson(path.join(referenceDir, 'zoe-zapp-shop', 'zapp-spark', 'spark.json')) as Json,
];

void describe('random mutations', { skip }, () => {
  void it('3000 mutated descriptions all get a verdict', () => {
    const random = prng(20240611);
    let invalid = 0;
    for (let round = 0; round < 3000; round += 1) {
      const input = structuredClone(pick(random, seeds));
      const count = 1 + Math.floor(random() * 3);
      for (let i = 0; i < count; i += 1) mutate(input, random);
      const result = validateZApp(deepFreeze(input), limits);
      assertVerdict(result);
      if (!result.valid) invalid += 1;
    }
    // The mutations are meant to break things: most must be caught.
    assert.ok(invalid > 2400, `${invalid} of 3000 invalid`);
  });

  void it('1000 mutated JSON texts get a verdict, and the syntax locator agrees with JSON.parse', () => {
    const random = prng(7);
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', 'x', '1', '-', ' ', '\n', 'null', '\u0001'];
    for (let round = 0; round < 1000; round += 1) {
      let text = JSON.stringify(pick(random, seeds), null, random() < 0.5 ? 2 : 0);
      for (let i = 0; i < 1 + Math.floor(random() * 3); i += 1) {
        const at = Math.floor(random() * text.length);
        const cut = random() < 0.5 ? 1 : 0;
        text = text.slice(0, at) + (random() < 0.7 ? pick(random, alphabet) : '') + text.slice(at + cut);
      }
      let parses = true;
      try { JSON.parse(text); } catch { parses = false; }
      assert.equal(findJsonSyntaxError(text) === undefined, parses, text.slice(0, 200));
      assertVerdict(parseZAppJson(text, limits));
    }
  });

  void it('inputs JSON cannot express still get a verdict: cycles, throwing getters, proxies', () => {
    const cyclic: Record<string, unknown> = { ...baseZApp() };
    cyclic.self = cyclic;
    const cyclicResult = validateZApp(cyclic, limits);
    assert.deepEqual(cyclicResult.valid ? [] : cyclicResult.errors.map((e) => e.path), ['self']);

    const throwing = Object.defineProperty({}, 'services', { enumerable: true, get() { throw new Error('boom'); } });
    assert.equal(validateZApp(throwing, limits).valid, false);

    const hostile = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
    const result = validateZApp(hostile, limits);
    assert.equal(result.valid, false);

    for (const odd of [undefined, Symbol('x'), () => 1, 10n, new Date(0), new Map(), Number.NaN]) {
      assert.equal(validateZApp(odd, limits).valid, false);
    }
  });

  void it('a 5 MB description with a 200 001-deep value is judged quickly', () => {
    const input = { ...baseZApp(), name: 'n'.repeat(5_000_000), services: [deepNesting(200_001)] };
    const started = performance.now();
    const result = validateZApp(input, limits);
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(result.valid ? [] : result.errors, [
      { path: 'name', message: 'Must be at most 128 characters long.' },
      { path: 'services[0]', message: 'Expected an object, got an array.' },
      { path: 'services', message: 'At least one service must have monitor set to true.' },
    ]);
  });
});
