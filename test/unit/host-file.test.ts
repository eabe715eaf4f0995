// The original INI host file (spec §8.1): the reference sample, the documentation's example, every
// refusal with its line (config/host-file.ts), and the Docker back-end's clients built from the
// entries (backends/docker/engines.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDockerHosts } from '../../backends/docker/engines.js';
import { HostFileError, parseEngineAddress, parseHostFile, parseIni, readHostFile } from '../../config/host-file.js';
import { withoutReferenceMaterial } from '../helpers/reference.js';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
const skip = withoutReferenceMaterial(import.meta.url, "the original project's sample host file and the documentation's example");

/** The host file example of the installation docs, as the seed document quotes it. */
function docsExample(): string {
  const text = readFileSync(`${shared}seeds/000_97d717b4dbad9c6d.txt`, 'utf8');
  const start = text.indexOf('[DEFAULT]');
  const end = text.indexOf('labels: gpu,ssd', start);
  assert.ok(start >= 0 && end > start, 'the seed document quotes the host file example');
  return text.slice(start, end + 'labels: gpu,ssd'.length);
}

/** Asserts that parsing `text` fails at `line` with a reason matching `reason`. */
function refuses(text: string, line: number, reason: RegExp): void {
  assert.throws(() => parseHostFile(text), (error: unknown) => {
    assert.ok(error instanceof HostFileError, `expected a HostFileError, got ${String(error)}`);
    assert.equal(error.line, line, `line of "${error.message}"`);
    assert.match(error.reason, reason);
    return true;
  });
}

void describe('parseHostFile', () => {
  void it('reads the reference sample_docker.conf: TLS settings come from DEFAULT', { skip }, () => {
    assert.deepEqual(readHostFile(`${shared}reference/zoe-zapps/sample_docker.conf`), [{
      name: 'gitlab-builder', dockerAddress: '192.168.47.12:2375', externalAddress: '192.168.47.12',
      tls: { cert: '/certs/cert.pem', key: '/certs/key.pem', ca: '/certs/ca.pem' }, labels: [],
    }]);
  });

  void it('reads the documentation example: the "address" key, use_tls from DEFAULT or overridden, labels', { skip }, () => {
    const tls = {
      cert: '/mnt/cephfs/admin/cert-authority/container-router/cert.pem',
      key: '/mnt/cephfs/admin/cert-authority/container-router/key.pem',
      ca: '/mnt/cephfs/admin/cert-authority/ca.pem',
    };
    assert.deepEqual(parseHostFile(docsExample()), [
      { name: 'foo', dockerAddress: 'localhost:2375', externalAddress: '192.168.45.42', labels: [] },
      { name: 'bar', dockerAddress: '192.168.47.5:2375', externalAddress: '192.168.47.5', tls, labels: [] },
      { name: 'baz', dockerAddress: '192.168.47.50:2375', externalAddress: '192.168.47.50', tls, labels: ['gpu', 'ssd'] },
    ]);
  });

  void it('takes "=" or ":", comments, case-insensitive keys, inline comments, continuation lines and CRLF', () => {
    const text = [
      '# hosts', '; more', '[DEFAULT]', 'USE_TLS = off', '',
      '[local]', 'docker_address = unix:///var/run/docker.sock   # the local engine',
      'External_Address: 127.0.0.1', 'labels: gpu,', '  ssd , gpu', '',
    ].join('\r\n');
    assert.deepEqual(parseHostFile(text), [
      { name: 'local', dockerAddress: 'unix:///var/run/docker.sock', externalAddress: '127.0.0.1', labels: ['gpu', 'ssd'] },
    ]);
  });

  void it('refuses a malformed file with the line and the reason', () => {
    refuses('[a]\ndocker_address: h:1\nthis is not a key\n', 3, /expected "key: value"/);
    refuses('docker_address: h:1\n[a]\n', 1, /before any \[section\]/);
    refuses('[a\n', 1, /malformed section header/);
    refuses('[]\n', 1, /empty section name/);
    refuses('[a]\nexternal_address: x\nuse_tls: no\ndocker_address: h\n[a]\n', 5, /section \[a\] appears twice/);
    refuses('[a]\nuse_tls: no\nuse_tls: yes\n', 3, /"use_tls" is given twice/);
    refuses('[a]\n: value\n', 2, /missing key/);
    refuses('[DEFAULT]\nuse_tls: no\n', 0, /defines no host/);
  });

  void it('names the section and the key a host is missing, instead of skipping the host', () => {
    refuses('[DEFAULT]\nuse_tls: no\n\n[a]\nexternal_address: 10.0.0.1\n', 4, /host \[a\] is missing the required key "docker_address"/);
    refuses('[a]\ndocker_address: h:2375\nuse_tls: no\n', 1, /host \[a\] is missing the required key "external_address"/);
    refuses('[a]\ndocker_address: h:2375\nexternal_address: h\n', 1, /host \[a\] is missing the required key "use_tls"/);
    refuses('[DEFAULT]\ntls_cert: c\ntls_key: k\n[b]\ndocker_address: h\nexternal_address: h\nuse_tls: yes\n', 4, /host \[b\] is missing the required key "tls_ca"/);
  });

  void it('refuses bad values at their line', () => {
    refuses('[a]\ndocker_address: h:2375\nexternal_address: h\nuse_tls: maybe\n', 4, /use_tls must be yes or no/);
    refuses('[a]\ndocker_address: h:99999\nexternal_address: h\nuse_tls: no\n', 2, /out of range/);
    refuses('[a]\ndocker_address: ftp://h:21\nexternal_address: h\nuse_tls: no\n', 2, /unsupported scheme "ftp:\/\/"/);
    refuses('[a]\ndocker_address: unix://relative.sock\nexternal_address: h\nuse_tls: no\n', 2, /absolute path/);
    refuses('[a]\ndocker_address: two words\nexternal_address: h\nuse_tls: no\n', 2, /not an engine address/);
    refuses('[a]\ndocker_address:\nexternal_address: h\nuse_tls: no\n', 2, /"docker_address" is empty/);
    refuses('[a]\ndocker_address: h\naddress: h\nexternal_address: h\nuse_tls: no\n', 3, /both "docker_address" and "address"/);
    refuses('[a]\ndocker_address: h\nexternal_address: a b\nuse_tls: no\n', 3, /external_address must be one address/);
  });

  void it('an unreadable file is an error naming it', () => {
    assert.throws(() => readHostFile('/nonexistent/hosts.conf'), /cannot read \/nonexistent\/hosts\.conf: ENOENT/);
  });
});

void describe('parseIni', () => {
  void it('keeps DEFAULT apart and each key with its line', () => {
    const file = parseIni('[DEFAULT]\ncores: 32\n[h1]\nmemory = 128GiB\n');
    assert.deepEqual([...file.defaults], [['cores', { value: '32', line: 2 }]]);
    assert.equal(file.sections.length, 1);
    assert.equal(file.sections[0]?.name, 'h1');
    assert.equal(file.sections[0]?.line, 3);
    assert.deepEqual([...(file.sections[0]?.entries ?? [])], [['memory', { value: '128GiB', line: 4 }]]);
  });
});

void describe('parseEngineAddress', () => {
  void it('understands the address forms Docker clients use', () => {
    assert.deepEqual(parseEngineAddress('unix:///var/run/docker.sock', false), { kind: 'unix', socketPath: '/var/run/docker.sock' });
    assert.deepEqual(parseEngineAddress('192.168.47.5:2375', false), { kind: 'tcp', host: '192.168.47.5', port: 2375 });
    assert.deepEqual(parseEngineAddress('tcp://bf11.example:2376', true), { kind: 'tcp', host: 'bf11.example', port: 2376 });
    assert.deepEqual(parseEngineAddress('https://engine/', true), { kind: 'tcp', host: 'engine', port: 2376, protocol: 'https' });
    assert.deepEqual(parseEngineAddress('engine', false), { kind: 'tcp', host: 'engine', port: 2375 });
    assert.deepEqual(parseEngineAddress('[::1]:2375', false), { kind: 'tcp', host: '::1', port: 2375 });
  });
});

void describe('createDockerHosts', () => {
  void it('builds clients for TCP, TLS and unix socket hosts', () => {
    const read = (path: string) => Buffer.from(`contents of ${path}`);
    const hosts = createDockerHosts([
      { name: 'plain', dockerAddress: '10.0.0.1:2375', externalAddress: '10.0.0.1', labels: ['gpu'] },
      { name: 'secure', dockerAddress: 'tcp://10.0.0.2:2376', externalAddress: 'h2', tls: { cert: '/c.pem', key: '/k.pem', ca: '/ca.pem' }, labels: [] },
      { name: 'local', dockerAddress: 'unix:///var/run/docker.sock', externalAddress: '127.0.0.1', labels: [] },
    ], '0.0.0.0', read);
    assert.deepEqual(hosts.map((h) => [h.name, h.externalAddress, h.publishAddress, h.labels]), [
      ['plain', '10.0.0.1', '0.0.0.0', ['gpu']], ['secure', 'h2', '0.0.0.0', []], ['local', '127.0.0.1', '0.0.0.0', []],
    ]);
    type Modem = { host?: string; port?: number | string; protocol?: string; socketPath?: string; ca?: Buffer; cert?: Buffer; key?: Buffer };
    const modem = (index: number) => (hosts[index]?.docker as unknown as { modem: Modem }).modem;
    assert.equal(modem(0).host, '10.0.0.1');
    assert.equal(Number(modem(0).port), 2375);
    assert.equal(modem(0).protocol, 'http');
    assert.equal(modem(1).protocol, 'https');
    assert.equal(String(modem(1).ca), 'contents of /ca.pem');
    assert.equal(String(modem(1).cert), 'contents of /c.pem');
    assert.equal(String(modem(1).key), 'contents of /k.pem');
    assert.equal(modem(2).socketPath, '/var/run/docker.sock');
    assert.equal(modem(2).host, undefined);
  });

  void it('a TLS file that cannot be read stops with the host and the file named', () => {
    assert.throws(
      () => createDockerHosts([{ name: 'secure', dockerAddress: 'h:2376', externalAddress: 'h', tls: { cert: '/nope/c.pem', key: '/k', ca: '/ca' }, labels: [] }], '0.0.0.0'),
      /host \[secure\]: cannot read tls_ca \/ca: ENOENT/,
    );
  });
});
