// Every real ZApp from the original project must validate exactly as it is written.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expandInstances } from '../../../zapps/instances.js';
import { parseZAppJson, validateZApp } from '../../../zapps/validate.js';
import { withoutReferenceMaterial } from '../../helpers/reference.js';
import { deepFreeze, limits, readJson, referenceDir, shopDir } from './helpers.js';

function referencedByManifests(): string[] {
  const files: string[] = [];
  for (const folder of readdirSync(shopDir).sort()) {
    const manifest = readJson(path.join(shopDir, folder, 'manifest.json')) as { zapps: { description: string }[] };
    for (const entry of manifest.zapps) files.push(path.join(shopDir, folder, entry.description));
  }
  return [...new Set(files)];
}

const skip = withoutReferenceMaterial(import.meta.url, "that the original project's ten ZApps validate unchanged");
const referenceZApps = skip ? [] : [
  path.join(referenceDir, 'zoe-zapps', 'zapp.json'),
  path.join(referenceDir, 'zoe-zapps', 'complex_zapp.json'),
  ...referencedByManifests(),
];

void describe('reference ZApps', { skip }, () => {
  void it('finds the two integration-test ZApps and the eight shop ZApps', () => {
    assert.equal(referenceZApps.length, 10);
  });

  for (const file of referenceZApps) {
    void it(`${path.relative(referenceDir, file)} validates unchanged`, () => {
      const input = deepFreeze(readJson(file));
      const result = validateZApp(input, limits);
      assert.deepEqual(result.valid ? [] : result.errors, []);
      assert.ok(result.valid);
      // Nothing added, nothing dropped: the parsed ZApp is the file's content.
      assert.deepEqual(result.zapp, input);
      assert.notEqual(result.zapp, input);
      assert.ok(expandInstances(result.zapp).length >= 1);
    });

    void it(`${path.relative(referenceDir, file)} validates from its JSON text`, () => {
      assert.equal(parseZAppJson(readFileSync(file, 'utf8'), limits).valid, true);
    });
  }

  void it('expands complex_zapp.json into the instances of spec §11.3 (0.4 cores, 28.5 GiB in total)', () => {
    const result = validateZApp(readJson(path.join(referenceDir, 'zoe-zapps', 'complex_zapp.json')), limits);
    assert.ok(result.valid);
    const instances = expandInstances(result.zapp);
    assert.deepEqual(instances.map((i) => [i.instance, i.essential]), [
      ['spark-master0', true], ['spark-worker0', true], ['spark-worker1', false], ['spark-jupyter0', true],
    ]);
    const cores = instances.reduce((sum, i) => sum + i.cores, 0);
    assert.ok(Math.abs(cores - 0.4) < 1e-9);
    assert.equal(instances.reduce((sum, i) => sum + i.memory, 0), 28.5 * 1024 ** 3);
  });
});
