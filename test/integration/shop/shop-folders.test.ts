// Shop folders through the REST API: the reference shop (the original Zoe's contrib ZApps) loads
// as it is, logos and readmes included; a copy with a malformed manifest loses only that folder,
// which admins are told about; role visibility; reloads after edits; and no id, however encoded,
// reaches a file outside the shop.
import assert from 'node:assert/strict';
import { cp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../../api/app.js';
import { renderMarkdown } from '../../../zapps/shop/index.js';
import { caller, type Caller } from '../../helpers/api.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';
import { withoutReferenceMaterial } from '../../helpers/reference.js';
import { copyShop, rawRequest, recordingLogger, referenceShop, sampleShop, type RecordedLine } from './helpers.js';

interface Listing { zapps: Array<{ id: string; name: string; readme_html: string; logo_url: string; parameters: unknown[] }>; problems?: Array<{ folder: string; reason: string }> }
interface Manifest { zapps: Array<{ description: string; readable_descr: string; logo?: string }> }

const referenceIds = ['jupyter-r-0', 'pydatasci-0', 'pydatasci-1', 'pydatasci-2', 'rapids.ai-0', 'zapp-boinc-0', 'zapp-spark-0', 'zapp-spark-1'];
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function manifestEntry(shop: string, id: string): Promise<{ folder: string; entry: Manifest['zapps'][number] }> {
  const dash = id.lastIndexOf('-');
  const folder = id.slice(0, dash);
  const manifest = JSON.parse(await readFile(join(shop, folder, 'manifest.json'), 'utf8')) as Manifest;
  return { folder, entry: manifest.zapps[Number(id.slice(dash + 1))]! };
}

const skip = withoutReferenceMaterial(import.meta.url, "the REST API over the original project's ZApp shop folders");
void describe('ZApp shop folders through the REST API', { skip }, () => {
  let stack: TestStack;
  let alice: Caller;
  let admin: Caller;

  before(async () => {
    stack = await startTestStack({ env: { ZOE_ZAPP_SHOP_PATH: referenceShop } });
    alice = caller(stack.apiUrl, 'alice', 'alice-pass');
    admin = caller(stack.apiUrl, 'admin', stack.adminPassword);
  });
  after(() => stack.stop());

  void describe('the reference shop, as it is', () => {
    void it('lists every ZApp of every folder, with readmes rendered from its markdown', async () => {
      const reply = await alice('GET', '/zapp_shop');
      assert.equal(reply.status, 200);
      const listing = reply.body as Listing;
      assert.deepEqual(listing.zapps.map((z) => z.id), referenceIds);
      assert.equal(listing.problems, undefined);
      for (const zapp of listing.zapps) {
        const { folder, entry } = await manifestEntry(referenceShop, zapp.id);
        assert.equal(zapp.readme_html, renderMarkdown(await readFile(join(referenceShop, folder, entry.readable_descr), 'utf8')), zapp.id);
        assert.match(zapp.readme_html, /^<h1>/);
        assert.doesNotMatch(zapp.readme_html, /<script|<img|onerror=/i);
      }
      assert.deepEqual(((await admin('GET', '/zapp_shop')).body as Listing).problems, [], 'the reference shop loads without a problem');
    });

    void it('serves each logo as the PNG file, cacheable for two weeks', async () => {
      const listing = (await alice('GET', '/zapp_shop')).body as Listing;
      for (const zapp of listing.zapps) {
        const reply = await rawRequest(stack.apiUrl, 'GET', `/zapp_shop/${zapp.id}/logo`, ['alice', 'alice-pass']);
        assert.equal(reply.status, 200, zapp.id);
        assert.equal(reply.headers['content-type'], 'image/png');
        assert.equal(reply.headers['cache-control'], 'public,max-age=1209600');
        const { folder, entry } = await manifestEntry(referenceShop, zapp.id);
        assert.deepEqual(reply.body, await readFile(join(referenceShop, folder, entry.logo ?? 'logo.png')));
        assert.deepEqual(reply.body.subarray(0, 8), pngSignature);
        assert.equal(zapp.logo_url, `/api/0.7/zapp_shop/${zapp.id}/logo`);
      }
    });

    void it('shows a ZApp with its parameters, services and the description exactly as in its file', async () => {
      const reply = await alice('GET', '/zapp_shop/zapp-spark-0');
      assert.equal(reply.status, 200);
      const body = reply.body as { name: string; parameters: Array<{ name: string; kind: string; min?: number; max?: number; default: unknown }>; services: Array<{ name: string; essential_count: number; total_count: number; resources: { memory_bytes: number } }>; zapp: unknown };
      assert.equal(body.name, 'Distributed PySpark notebook');
      assert.deepEqual(body.parameters.map((p) => [p.kind, p.name, p.default]), [
        ['environment', 'SPARK_DRIVER_RAM', 2147483648], ['service_count', 'spark-worker', 4],
        ['environment', 'SPARK_WORKER_RAM', 11274289152], ['environment', 'SPARK_WORKER_CORES', 2],
      ]);
      assert.deepEqual(body.services.map((s) => [s.name, s.essential_count, s.total_count]), [['spark-master', 1, 1], ['spark-worker', 1, 2], ['spark-jupyter', 1, 1]]);
      assert.deepEqual(body.zapp, JSON.parse(await readFile(join(referenceShop, 'zapp-spark', 'spark.json'), 'utf8')));
    });

    void it('never reads outside the shop, however the id is encoded', async () => {
      const attempts: Array<[string, number]> = [
        ['/zapp_shop/..%2f..%2fetc-0', 400],
        ['/zapp_shop/..%2f..%2f..%2fetc%2fpasswd', 400],
        ['/zapp_shop/%2e%2e%2fzapp-spark-0/logo', 400],
        ['/zapp_shop/..%2fzoe-zapp-shop%2fzapp-spark-0', 400],
        ['/zapp_shop/zapp-spark-0%00', 400],
        ['/zapp_shop/%00/logo', 400],
        ['/zapp_shop/zapp-spark%00-0/logo', 400],
        ['/zapp_shop/%2fetc%2fpasswd', 400],
        ['/zapp_shop/%2Fetc%2Fpasswd/logo', 400],
        ['/zapp_shop/%ff-0', 400],
        ['/zapp_shop/zapp-spark-0%2f..%2f..%2fmanifest.json', 400],
        ['/zapp_shop/zapp-spark-0/logo/..%2fmanifest.json', 404],
        ['/zapp_shop/zapp-spark-0/..%2fmanifest.json', 404],
        ['/zapp_shop//etc/passwd', 404],
        ['/zapp_shop/../../../../etc/passwd', 404],
        ['/zapp_shop/zapp-spark/../../etc/passwd/logo', 404],
      ];
      for (const [path, status] of attempts) {
        const reply = await rawRequest(stack.apiUrl, 'GET', path, ['admin', stack.adminPassword]);
        assert.equal(reply.status, status, path);
        assert.equal(reply.headers['content-type'], 'application/json; charset=utf-8', path);
        const text = reply.body.toString('utf8');
        assert.doesNotMatch(text, /root:|"zapps"|"services"/, path);
        const started = await rawRequest(stack.apiUrl, 'POST', `${path}/start`, ['admin', stack.adminPassword], '{"name":"x"}');
        assert.ok(started.status === 400 || started.status === 404, `${path}/start: ${started.status}`);
      }
      assert.equal((await stack.pool.query('SELECT 1 FROM execution')).rowCount, 0, 'nothing was started');
    });
  });

  void describe('a copy with a malformed manifest, a hidden ZApp and links outside', () => {
    let shop: string;
    let outside: string;
    let server: Server;
    let apiUrl: string;
    let lines: RecordedLine[];
    let copyAlice: Caller;
    let copyAdmin: Caller;

    before(async () => {
      shop = await copyShop(referenceShop);
      outside = join(dirname(shop), 'outside');
      // A valid ZApp folder next to the shop, which no request may reach.
      await cp(join(sampleShop, 'web'), outside, { recursive: true });
      await writeFile(join(outside, 'secret.txt'), 'top secret');
      await writeFile(join(shop, 'rapids.ai', 'manifest.json'), '{"version": 1, "zapps": [');
      await symlink(outside, join(shop, 'escape'));
      await cp(join(sampleShop, 'web'), join(shop, 'hidden'), { recursive: true });
      const hiddenManifest = JSON.parse(await readFile(join(shop, 'hidden', 'manifest.json'), 'utf8')) as { zapps: Array<Record<string, unknown>> };
      hiddenManifest.zapps[0]!.disabled_for = ['user'];
      await writeFile(join(shop, 'hidden', 'manifest.json'), JSON.stringify(hiddenManifest));
      await cp(join(sampleShop, 'web'), join(shop, 'labelled'), { recursive: true });
      const labelledManifest = JSON.parse(await readFile(join(shop, 'labelled', 'manifest.json'), 'utf8')) as { zapps: Array<Record<string, unknown>> };
      labelledManifest.zapps[0]!.labels = ['gpu-node'];
      await writeFile(join(shop, 'labelled', 'manifest.json'), JSON.stringify(labelledManifest));
      await cp(join(sampleShop, 'web'), join(shop, 'linked-logo'), { recursive: true });
      await rm(join(shop, 'linked-logo', 'logo.png'));
      await symlink(join(outside, 'logo.png'), join(shop, 'linked-logo', 'logo.png'));

      const log = recordingLogger();
      lines = log.lines;
      server = createApp({ config: { ...stack.config, zappShopPath: shop }, pool: stack.pool, temporal: stack.temporal, backend: stack.backend, log }).listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', resolve));
      apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/0.7`;
      copyAlice = caller(apiUrl, 'alice', 'alice-pass');
      copyAdmin = caller(apiUrl, 'admin', stack.adminPassword);
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      await rm(dirname(shop), { recursive: true, force: true });
    });

    const listed = async (who: Caller) => (await who('GET', '/zapp_shop')).body as Listing;

    void it('lists every other folder, and tells only admins which folders failed and why', async () => {
      const forAlice = await listed(copyAlice);
      // Folders in name order, as the loader reads them.
      assert.deepEqual(forAlice.zapps.map((z) => z.id), ['labelled-0', ...referenceIds.filter((id) => id !== 'rapids.ai-0')].sort(), 'no bad folder, no hidden ZApp');
      assert.equal(forAlice.problems, undefined);
      const forAdmin = await listed(copyAdmin);
      assert.deepEqual(forAdmin.zapps.map((z) => z.id), ['hidden-0', 'labelled-0', ...referenceIds.filter((id) => id !== 'rapids.ai-0')].sort());
      assert.deepEqual(forAdmin.problems?.map((p) => p.folder), ['escape', 'linked-logo', 'rapids.ai']);
      const reasons = Object.fromEntries(forAdmin.problems.map((p) => [p.folder, p.reason]));
      assert.match(reasons['rapids.ai']!, /^manifest\.json is not valid: It is not valid JSON: .* at line 1, column \d+\.$/);
      assert.equal(reasons.escape, 'The folder points outside the shop folder.');
      assert.match(reasons['linked-logo']!, /logo\.png points outside the shop folder/);
      assert.equal((await copyAlice('GET', '/zapp_shop/rapids.ai-0')).status, 404);
    });

    void it('logs each unavailable folder with its reason, once', async () => {
      await listed(copyAdmin);
      const warnings = lines.filter((line) => line.level === 'warn');
      assert.deepEqual(warnings.map((w) => w.attributes?.folder).sort(), ['escape', 'linked-logo', 'rapids.ai']);
      const rapids = warnings.find((w) => w.attributes?.folder === 'rapids.ai');
      assert.match(String(rapids?.attributes?.reason), /not valid JSON/);
      assert.equal(rapids?.attributes?.shop, shop);
    });

    void it('hides a ZApp disabled for the role: not found, exactly like one that does not exist', async () => {
      for (const [method, path] of [['GET', '/zapp_shop/hidden-0'], ['GET', '/zapp_shop/hidden-0/logo'], ['POST', '/zapp_shop/hidden-0/start']] as const) {
        const reply = await copyAlice(method, path, method === 'POST' ? { name: 'x' } : undefined);
        const missing = await copyAlice(method, path.replace('hidden-0', 'hidden-1'), method === 'POST' ? { name: 'x' } : undefined);
        assert.equal(reply.status, 404, path);
        assert.deepEqual((reply.body as { error: unknown }).error, { code: 'not_found', message: 'ZApp hidden-0 in the shop not found' });
        assert.equal(missing.status, 404);
      }
      assert.equal((await copyAdmin('GET', '/zapp_shop/hidden-0')).status, 200);
    });

    void it("adds the manifest's labels to every service: here no host has the label, so the start is refused naming it", async () => {
      for (const who of [copyAlice, copyAdmin]) {
        const reply = await who('POST', '/zapp_shop/labelled-0/start', { name: 'labelled' });
        assert.equal(reply.status, 400);
        const { error } = reply.body as { error: { message: string; field: string } };
        assert.match(error.message, /^invalid ZApp: application\.services\[0\]\.resources: This execution can never run here: .*gpu-node/);
        assert.equal(error.field, 'application.services[0].resources');
      }
      const plain = await copyAlice('GET', '/zapp_shop/labelled-0');
      assert.equal((plain.body as { zapp: { services: Array<{ labels?: string[] }> } }).zapp.services[0]?.labels, undefined, 'the shown ZApp is as written');
      assert.equal((await stack.pool.query('SELECT 1 FROM execution')).rowCount, 0);
    });

    void it('never serves the folder or files outside the shop', async () => {
      for (const path of ['/zapp_shop/escape-0', '/zapp_shop/escape-0/logo', '/zapp_shop/linked-logo-0/logo', '/zapp_shop/outside-0', '/zapp_shop/..%2foutside-0/logo', '/zapp_shop/..%2foutside%2fsecret.txt']) {
        const reply = await rawRequest(apiUrl, 'GET', path, ['admin', stack.adminPassword]);
        assert.ok(reply.status === 400 || reply.status === 404, `${path}: ${reply.status}`);
        assert.doesNotMatch(reply.body.toString('latin1'), /top secret|PNG/, path);
      }
    });

    void it('loads the folder again after a change: a fixed manifest comes back, a newly broken one goes', async () => {
      const warningsBefore = lines.filter((line) => line.level === 'warn').length;
      await writeFile(join(shop, 'rapids.ai', 'manifest.json'), await readFile(join(referenceShop, 'rapids.ai', 'manifest.json')));
      const boinc = JSON.parse(await readFile(join(shop, 'zapp-boinc', 'manifest.json'), 'utf8')) as { version: number };
      boinc.version = 2;
      await writeFile(join(shop, 'zapp-boinc', 'manifest.json'), JSON.stringify(boinc));
      const deadline = Date.now() + 15_000;
      let forAdmin = await listed(copyAdmin);
      while (forAdmin.zapps.some((z) => z.id === 'zapp-boinc-0') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        forAdmin = await listed(copyAdmin);
      }
      assert.ok(forAdmin.zapps.some((z) => z.id === 'rapids.ai-0'), 'the fixed folder is back');
      assert.ok(!forAdmin.zapps.some((z) => z.id === 'zapp-boinc-0'), 'the broken folder is gone');
      assert.deepEqual(forAdmin.problems?.map((p) => p.folder), ['escape', 'linked-logo', 'zapp-boinc']);
      assert.match(forAdmin.problems[2]!.reason, /^manifest\.json is not valid: version: Only manifest version 1 is supported\./);
      const newWarnings = lines.filter((line) => line.level === 'warn').slice(warningsBefore);
      assert.deepEqual(newWarnings.map((w) => w.attributes?.folder), ['zapp-boinc'], 'only the new problem is logged');
    });
  });
});
