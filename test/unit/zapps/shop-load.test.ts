import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadShop, type Shop } from '../../../zapps/shop/index.js';
import { withoutReferenceMaterial } from '../../helpers/reference.js';
import { baseZApp, limits, shopDir, type Json } from './helpers.js';
import { makeShop, pngBytes, validFolder, type FolderFiles } from './shop-fixtures.js';

const created: string[] = [];
async function shopWith(...args: Parameters<typeof makeShop>): Promise<Shop> {
  const dir = await makeShop(...args);
  created.push(path.dirname(dir));
  return loadShop(dir, limits);
}
after(async () => { await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true }))); });

const skip = withoutReferenceMaterial(import.meta.url, "that the original project's ZApp shop loads as it is");
void describe('loading the reference shop', { skip }, () => {
  void it('loads the five folders and eight ZApps as they are, with no problems', async () => {
    const shop = await loadShop(shopDir, limits);
    assert.deepEqual(shop.problems, []);
    assert.deepEqual(shop.zapps.map((z) => [z.id, z.category, z.name]), [
      ['jupyter-r-0', 'Data science', 'R notebook'],
      ['pydatasci-0', 'Data science', 'Data science notebook'],
      ['pydatasci-1', 'Labs', 'MALIS'],
      ['pydatasci-2', 'Data science', 'Data science notebook GPU'],
      ['rapids.ai-0', 'Third party', 'Rapids.AI'],
      ['zapp-boinc-0', 'Third party', 'Boinc client'],
      ['zapp-spark-0', 'Data science', 'Distributed PySpark notebook'],
      ['zapp-spark-1', 'Labs', 'CLOUDS'],
    ]);
    for (const zapp of shop.zapps) {
      assert.equal(zapp.logoFile, path.join(shopDir, zapp.folder, 'logo.png'));
      assert.match(zapp.readmeHtml, /^<h1>/);
      assert.doesNotMatch(zapp.readmeHtml, /<script/i);
    }
  });

  void it('reads parameters, defaults and visibility lists from the manifests', async () => {
    const shop = await loadShop(shopDir, limits);
    const spark = shop.zapps.find((z) => z.id === 'zapp-spark-0');
    assert.deepEqual(spark?.parameters[1], {
      kind: 'service_count', name: 'spark-worker', readable_name: 'Spark worker count', description: 'How many workers to spawn',
      type: 'int', default: 4, min: 1, max: 16, step: 1,
    });
    assert.deepEqual(spark?.disabledFor, ['student']);
    assert.deepEqual(spark?.enabledFor, ['all']);
    const boinc = shop.zapps.find((z) => z.id === 'zapp-boinc-0');
    assert.deepEqual(boinc?.parameters.map((p) => [p.name, p.type, p.default]), [['PROJECT_URL', 'string', 'www.worldcommunitygrid.org'], ['PROJECT_KEY', 'string', null]]);
    assert.equal(shop.zapps.find((z) => z.id === 'zapp-spark-1')?.zapp.name, 'clouds');
  });

  void it('hands out frozen ZApps, since the shop is shared by every request', async () => {
    const shop = await loadShop(shopDir, limits);
    const services = shop.zapps[0]?.zapp.services;
    assert.ok(services?.[0]);
    assert.throws(() => { services[0]!.total_count = 5; }, TypeError);
    assert.throws(() => services.push(services[0]!), TypeError);
  });
});

void describe('shop problems stay local', () => {
  void it('reports a shop folder that does not exist', async () => {
    const shop = await loadShop('/nonexistent/zoe-shop', limits);
    assert.deepEqual(shop.zapps, []);
    assert.equal(shop.problems.length, 1);
    assert.equal(shop.problems[0]?.folder, '');
    assert.match(shop.problems[0]?.reason ?? '', /^The shop folder \/nonexistent\/zoe-shop cannot be read: ENOENT/);
  });

  void it('skips folders without a manifest and hidden folders, silently', async () => {
    const shop = await shopWith({ good: validFolder(), 'no-manifest': { 'README.md': 'x' }, '.git': validFolder() });
    assert.deepEqual(shop.zapps.map((z) => z.id), ['good-0']);
    assert.deepEqual(shop.problems, []);
  });

  const folderProblems: [string, FolderFiles, string][] = [
    ['manifest that is not JSON', { 'manifest.json': '{"version": 1,\n "zapps": [}' }, 'manifest.json is not valid: It is not valid JSON: unexpected character "}" at line 2, column 12.'],
    ['manifest version 2', { 'manifest.json': { version: 2, zapps: [] } }, 'manifest.json is not valid: version: Only manifest version 1 is supported.'],
    ['manifest with an unknown key', validFolder({ icon: 'x.png' }), 'manifest.json is not valid: zapps[0].icon: Unknown field "icon": it is not part of this format.'],
    ['description climbing out', validFolder({ description: '../other/zapp.json' }), "manifest.json is not valid: zapps[0].description: Must be a plain file name in the ZApp's folder (no '/', '\\', or leading '.')."],
    ['absolute readme path', validFolder({ readable_descr: '/etc/passwd' }), "manifest.json is not valid: zapps[0].readable_descr: Must be a plain file name in the ZApp's folder (no '/', '\\', or leading '.')."],
    ['logo in a sub-folder', validFolder({ logo: 'img\\logo.png' }), "manifest.json is not valid: zapps[0].logo: Must be a plain file name in the ZApp's folder (no '/', '\\', or leading '.')."],
    [
      'int parameter without bounds',
      validFolder({ parameters: [{ kind: 'service_count', name: 'worker', readable_name: 'Workers', description: '', type: 'int', default: 2 }] }),
      'manifest.json is not valid: zapps[0].parameters[0].min: min is required for int parameters. zapps[0].parameters[0].max: max is required for int parameters. zapps[0].parameters[0].step: step is required for int parameters.',
    ],
    [
      'default off the step grid',
      validFolder({ parameters: [{ kind: 'service_count', name: 'worker', readable_name: 'Workers', description: '', type: 'int', default: 4, min: 1, max: 9, step: 2 }] }),
      'manifest.json is not valid: zapps[0].parameters[0].default: The default does not fit: Must be 1 plus a multiple of 2, got 4.',
    ],
    [
      'unknown parameter kind',
      validFolder({ parameters: [{ kind: 'volume', name: 'x', readable_name: 'X', description: '', type: 'string', default: null }] }),
      'manifest.json is not valid: zapps[0].parameters[0].kind: Must be one of "environment", "command", "service_count", got the string "volume".',
    ],
    ['uppercase folder name', validFolder(), "The folder name must be lowercase letters, digits, '_', '.' and '-' (it appears in URLs)."],
  ];
  for (const [name, files, reason] of folderProblems) {
    void it(`leaves out a folder with a ${name}, loading the rest`, async () => {
      const folder = name === 'uppercase folder name' ? 'Bad' : 'bad';
      const shop = await shopWith({ [folder]: files, good: validFolder() });
      assert.deepEqual(shop.problems, [{ folder, reason }]);
      assert.deepEqual(shop.zapps.map((z) => z.id), ['good-0']);
    });
  }

  void it('accepts "integer" as the int type (the documented spelling)', async () => {
    const shop = await shopWith({ ok: validFolder({ parameters: [{ kind: 'service_count', name: 'worker', readable_name: 'Workers', description: '', type: 'integer', default: 2, min: 1, max: 8, step: 1 }] }) });
    assert.deepEqual(shop.problems, []);
    assert.equal(shop.zapps[0]?.parameters[0]?.type, 'int');
  });

  // Entry 0 of folder "mixed" is good; entry 1 ("Second") uses its own files, which each case breaks.
  const secondFiles = { 'zapp2.json': baseZApp(), 'README2.md': '# Second', 'logo2.png': pngBytes };
  const workerParameter = (name: string, defaultValue: number) => ({ kind: 'service_count', name, readable_name: 'Count', description: '', type: 'int', default: defaultValue, min: 1, max: 12, step: 1 });
  const entryProblems: { name: string; entry?: Record<string, Json>; files?: Record<string, string | Buffer | Json | undefined>; reason: string }[] = [
    { name: 'missing readme', files: { 'README2.md': undefined }, reason: 'README2.md is missing' },
    { name: 'missing logo', files: { 'logo2.png': undefined }, reason: 'logo2.png is missing' },
    { name: 'logo that is not a PNG', files: { 'logo2.png': '<svg onload="alert(1)"/>' }, reason: 'logo2.png is not a PNG image' },
    { name: 'readme over 1 MiB', files: { 'README2.md': 'x'.repeat(1024 * 1024 + 1) }, reason: 'README2.md is larger than 1048576 bytes' },
    { name: 'ZApp that does not validate', files: { 'zapp2.json': { ...baseZApp(), version: 2 } }, reason: 'zapp2.json does not validate: version: Only version 3 of the ZApp format is supported.' },
    {
      name: 'parameter for a missing variable',
      entry: { parameters: [{ kind: 'environment', name: 'NOPE', readable_name: 'Nope', description: '', type: 'string', default: 'x' }] },
      reason: 'the environment parameter "NOPE" names an environment variable that the ZApp does not have',
    },
    { name: 'parameter for a missing service', entry: { parameters: [workerParameter('nobody', 2)] }, reason: 'the service_count parameter "nobody" names a service that the ZApp does not have' },
    {
      name: 'default that breaks the ZApp',
      entry: { parameters: [workerParameter('master', 12)] },
      files: { 'zapp2.json': { ...baseZApp(), services: [...(baseZApp().services as Json[]), { ...((baseZApp().services as Json[])[1] as Record<string, Json>), name: 'master1', environment: [] }] } },
      reason: 'the parameter defaults do not give a valid ZApp: services[2].name: Services "master" and "master1" would both produce an instance named "master10"; instance names must be unique in an execution, so rename one of them.',
    },
  ];
  for (const { name, entry = {}, files = {}, reason } of entryProblems) {
    void it(`leaves out one entry with a ${name}, keeping the folder's other entries`, async () => {
      const folder = validFolder();
      const first = (folder['manifest.json'] as { zapps: Json[] }).zapps[0] ?? null;
      const second = { category: 'Tests', name: 'Second', description: 'zapp2.json', readable_descr: 'README2.md', logo: 'logo2.png', parameters: [], ...entry };
      const merged: Record<string, string | Buffer | Json | undefined> = { ...folder, ...secondFiles, ...files, 'manifest.json': { version: 1, zapps: [first, second] } };
      const present = Object.fromEntries(Object.entries(merged).filter((pair): pair is [string, string | Buffer | Json] => pair[1] !== undefined));
      const shop = await shopWith({ mixed: present });
      assert.deepEqual(shop.problems, [{ folder: 'mixed', reason: `ZApp 1 ("Second") is unavailable: ${reason}` }]);
      assert.deepEqual(shop.zapps.map((z) => z.id), ['mixed-0']);
    });
  }
});

void describe('nothing outside the shop folder is ever read', () => {
  void it('refuses a readme or logo that is a symbolic link leaving the shop', async () => {
    const dir = await makeShop({ links: validFolder({}, { 'README.md': 'placeholder' }) });
    created.push(path.dirname(dir));
    const outside = path.join(path.dirname(dir), 'secret.md');
    await writeFile(outside, '# secret');
    await rm(path.join(dir, 'links', 'README.md'));
    await symlink(outside, path.join(dir, 'links', 'README.md'));
    const shop = await loadShop(dir, limits);
    assert.deepEqual(shop.problems, [{ folder: 'links', reason: 'ZApp 0 ("Spark test") is unavailable: README.md points outside the shop folder' }]);
  });

  void it('refuses a folder that is a symbolic link leaving the shop, but follows one that stays inside', async () => {
    const dir = await makeShop({ real: validFolder() });
    created.push(path.dirname(dir));
    const outside = path.join(path.dirname(dir), 'elsewhere');
    await mkdir(outside);
    for (const [name, content] of Object.entries(validFolder())) {
      await writeFile(path.join(outside, name), Buffer.isBuffer(content) || typeof content === 'string' ? content : JSON.stringify(content));
    }
    await symlink(outside, path.join(dir, 'escape'));
    await symlink(path.join(dir, 'real'), path.join(dir, 'alias'));
    const shop = await loadShop(dir, limits);
    assert.deepEqual(shop.problems, [{ folder: 'escape', reason: 'The folder points outside the shop folder.' }]);
    assert.deepEqual(shop.zapps.map((z) => z.id), ['alias-0', 'real-0']);
  });
});
