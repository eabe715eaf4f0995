import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyParameters, loadShop, withManifestLabels, type ShopZApp } from '../../../zapps/shop/index.js';
import type { ShopParameter } from '../../../zapps/shop/manifest.js';
import { withoutReferenceMaterial } from '../../helpers/reference.js';
import { deepFreeze, limits, shopDir } from './helpers.js';

const skip = withoutReferenceMaterial(import.meta.url, "the shop parameters of the original project's Spark and BOINC ZApps");

let spark: ShopZApp;
let boinc: ShopZApp;
before(async () => {
  if (skip) return;
  const shop = await loadShop(shopDir, limits);
  const find = (id: string) => {
    const found = shop.zapps.find((zapp) => zapp.id === id);
    assert.ok(found, id);
    return deepFreeze(found);
  };
  spark = find('zapp-spark-0');
  boinc = find('zapp-boinc-0');
});

function envOf(zapp: ShopZApp['zapp'], service: string, name: string): string | undefined {
  return zapp.services.find((s) => s.name === service)?.environment.find(([key]) => key === name)?.[1];
}

void describe('shop parameters', { skip }, () => {
  void it('applies the defaults when no values are given, without touching the shop ZApp', () => {
    const result = applyParameters(spark.zapp, spark, {}, limits);
    assert.ok(result.valid);
    const worker = result.zapp.services.find((s) => s.name === 'spark-worker');
    assert.deepEqual([worker?.essential_count, worker?.total_count], [4, 4]);
    assert.equal(envOf(result.zapp, 'spark-jupyter', 'SPARK_DRIVER_RAM'), '2147483648');
    assert.equal(envOf(result.zapp, 'spark-worker', 'SPARK_WORKER_CORES'), '2');
    // The frozen shop ZApp still has the original values.
    assert.equal(spark.zapp.services[1]?.total_count, 2);
    assert.equal(envOf(spark.zapp, 'spark-worker', 'SPARK_WORKER_CORES'), '6');
  });

  void it('sets an environment parameter in every service that has the variable', () => {
    const result = applyParameters(spark.zapp, spark, { SPARK_WORKER_RAM: '1073741824' }, limits);
    assert.ok(result.valid);
    assert.equal(envOf(result.zapp, 'spark-worker', 'SPARK_WORKER_RAM'), '1073741824');
    assert.equal(envOf(result.zapp, 'spark-jupyter', 'SPARK_WORKER_RAM'), '1073741824');
  });

  void it('sets service_count as both total and essential count, from a form string', () => {
    const result = applyParameters(spark.zapp, spark, { 'spark-worker': ' 16 ' }, limits);
    assert.ok(result.valid);
    const worker = result.zapp.services.find((s) => s.name === 'spark-worker');
    assert.deepEqual([worker?.essential_count, worker?.total_count], [16, 16]);
  });

  void it('keeps the ZApp value when a parameter has a null default and no value', () => {
    const result = applyParameters(boinc.zapp, boinc, {}, limits);
    assert.ok(result.valid);
    assert.equal(envOf(result.zapp, 'boinc-client', 'PROJECT_KEY'), 'Your key here');
    assert.equal(envOf(result.zapp, 'boinc-client', 'PROJECT_URL'), 'www.worldcommunitygrid.org');
  });

  void it('stores a user value literally: braces are data, not template fields', () => {
    const result = applyParameters(boinc.zapp, boinc, { PROJECT_KEY: '{user_name} }{' }, limits);
    assert.ok(result.valid);
    assert.equal(envOf(result.zapp, 'boinc-client', 'PROJECT_KEY'), '{{user_name}} }}{{');
  });

  void it('sets the command of the first service with that name', () => {
    const parameters: ShopParameter[] = [{ kind: 'command', name: 'spark-worker', readable_name: 'Command', description: '', type: 'string', default: null }];
    const result = applyParameters(spark.zapp, { parameters }, { 'spark-worker': '/mnt/workspace/run.sh' }, limits);
    assert.ok(result.valid);
    assert.equal(result.zapp.services.find((s) => s.name === 'spark-worker')?.command, '/mnt/workspace/run.sh');
  });

  const refused: [string, Record<string, string | number>, { path: string; message: string }[]][] = [
    ['a count above max', { 'spark-worker': 17 }, [{ path: 'parameters["spark-worker"]', message: 'Must be between 1 and 16, got 17.' }]],
    ['a count below min', { 'spark-worker': '0' }, [{ path: 'parameters["spark-worker"]', message: 'Must be between 1 and 16, got 0.' }]],
    ['a fractional count', { 'spark-worker': 2.5 }, [{ path: 'parameters["spark-worker"]', message: 'Must be an integer, got 2.5.' }]],
    ['text for an int', { SPARK_DRIVER_RAM: '2 GiB' }, [{ path: 'parameters.SPARK_DRIVER_RAM', message: 'Must be an integer, got "2 GiB".' }]],
    ['a value off the step grid', { SPARK_DRIVER_RAM: 1000000000 }, [{ path: 'parameters.SPARK_DRIVER_RAM', message: 'Must be 536870912 plus a multiple of 536870912, got 1000000000.' }]],
    ['an unknown parameter', { SPARK_EXECUTOR_RAM: 1 }, [{ path: 'parameters.SPARK_EXECUTOR_RAM', message: 'Unknown parameter "SPARK_EXECUTOR_RAM": this ZApp has SPARK_DRIVER_RAM, spark-worker, SPARK_WORKER_RAM, SPARK_WORKER_CORES.' }]],
  ];
  for (const [name, values, errors] of refused) {
    void it(`refuses ${name}`, () => {
      assert.deepEqual(applyParameters(spark.zapp, spark, values, limits), { valid: false, errors });
    });
  }

  void it('revalidates the result against the administrative limits', () => {
    const parameters: ShopParameter[] = [{ kind: 'service_count', name: 'spark-worker', readable_name: 'Workers', description: '', type: 'int', default: null, min: 1, max: 100, step: 1 }];
    const tight = { maxMemoryBytes: 8 * 1024 ** 3, maxCores: 16 };
    const result = applyParameters(spark.zapp, { parameters }, { 'spark-worker': 3 }, tight);
    assert.equal(result.valid, false);
    assert.deepEqual(result.valid ? [] : result.errors.map((e) => e.path), ['services[1].resources.memory.min', 'services[2].resources.memory.min']);
  });

  void it('adds manifest labels to every service once, flat (not nested as in the original)', () => {
    const labelled = withManifestLabels(spark.zapp, ['labs', 'gpu']);
    assert.deepEqual(labelled.services.map((s) => s.labels), [['labs', 'gpu'], ['labs', 'gpu'], ['labs', 'gpu']]);
    assert.deepEqual(withManifestLabels(labelled, ['labs']).services[0]?.labels, ['labs', 'gpu']);
    assert.equal(spark.zapp.services[0]?.labels, undefined);
  });
});
