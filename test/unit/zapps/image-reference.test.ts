import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageReference } from '../../../zapps/image-reference.js';

const digest = `sha256:${'a'.repeat(64)}`;

void describe('image references', () => {
  const valid: [string, object][] = [
    ['nginx', { path: 'nginx' }],
    ['nginx:alpine', { path: 'nginx', tag: 'alpine' }],
    ['zapps/spark-master:10396', { path: 'zapps/spark-master', tag: '10396' }],
    ['docker-registry:5000/zapps/spark2-master', { domain: 'docker-registry:5000', path: 'zapps/spark2-master' }],
    ['localhost/my_app__x.y-z', { domain: 'localhost', path: 'my_app__x.y-z' }],
    ['ghcr.io/org/img:v1.2_rc-3', { domain: 'ghcr.io', path: 'org/img', tag: 'v1.2_rc-3' }],
    [`busybox@${digest}`, { path: 'busybox', digest }],
    [`Registry.Example.com:443/a/b:t@${digest}`, { domain: 'Registry.Example.com:443', path: 'a/b', tag: 't', digest }],
  ];
  for (const [text, reference] of valid) {
    void it(`accepts ${text}`, () => assert.deepEqual(parseImageReference(text), { ok: true, reference }));
  }

  const invalid: [string, string][] = [
    ['', 'it is empty'],
    ['a'.repeat(513), 'it is longer than 512 characters'],
    [`${'a'.repeat(256)}:tag`, 'the repository name is longer than 255 characters'],
    [':tag', 'the repository name is missing'],
    ['Nginx', 'the repository path component "Nginx" must be lowercase letters and digits, separated by \'.\', \'_\', \'__\' or \'-\''],
    ['zapps//x', 'the repository path component "" must be lowercase letters and digits, separated by \'.\', \'_\', \'__\' or \'-\''],
    ['a-/b', 'the repository path component "a-" must be lowercase letters and digits, separated by \'.\', \'_\', \'__\' or \'-\''],
    ['a___b', 'the repository path component "a___b" must be lowercase letters and digits, separated by \'.\', \'_\', \'__\' or \'-\''],
    ['img:-tag', 'the tag "-tag" must be 1-128 letters, digits, \'_\', \'.\' or \'-\', not starting with \'.\' or \'-\''],
    [`img:${'t'.repeat(129)}`, `the tag "${'t'.repeat(129)}" must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`],
    ['img@sha256:ABC', 'the digest after "@" must be sha256:<64 lowercase hex digits> (or sha512:<128>)'],
    ['reg:1:2/img', 'the registry "reg:1:2" has more than one \':\''],
    ['reg.io:http/img', 'the registry port "http" must be a number from 0 to 65535'],
    ['-reg.io/img', 'the registry host "-reg.io" is not a valid host name'],
  ];
  for (const [text, reason] of invalid) {
    void it(`rejects ${JSON.stringify(text.slice(0, 40))}`, () => assert.deepEqual(parseImageReference(text), { ok: false, reason }));
  }

  void it('answers at once for a hostile 10 MB string', () => {
    const started = performance.now();
    assert.equal(parseImageReference(`${'a-'.repeat(5_000_000)}!`).ok, false);
    assert.equal(parseImageReference(`${'a-'.repeat(100)}!`).ok, false);
    assert.ok(performance.now() - started < 100);
  });
});
