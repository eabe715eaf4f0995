import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerName } from '../../../model/naming.js';
import { escapeTemplateText, renderTemplate, TemplateError, templateVariables } from '../../../zapps/template.js';

void describe('templates (Python str.format compatible)', () => {
  void it('replaces named variables, including dns_name#<instance> names with - and #', () => {
    const vars = { user_name: 'alice', 'dns_name#spark-master0': 'spark-master0-42-prod' };
    assert.equal(renderTemplate('spark://{dns_name#spark-master0}:7077 as {user_name}', vars), 'spark://spark-master0-42-prod:7077 as alice');
  });

  void it('treats doubled braces as literal braces, as Python does', () => {
    assert.equal(renderTemplate('{{"user": "{user_name}"}}', { user_name: 'bob' }), '{"user": "bob"}');
    assert.equal(renderTemplate('}}{{', {}), '}{');
    assert.deepEqual(templateVariables('{{user_name}}'), []);
  });

  void it('leaves text without fields alone', () => {
    assert.equal(renderTemplate('', {}), '');
    assert.equal(renderTemplate('/opt/spark $HOME', {}), '/opt/spark $HOME');
  });

  void it('needs shell-style ${X} written as ${{X}}, as in the original', () => {
    assert.equal(renderTemplate('${{X:-1}}', {}), '${X:-1}');
    assert.throws(() => templateVariables('${X:-1}'), TemplateError);
  });

  void it('lists the distinct variables in order of first use', () => {
    assert.deepEqual(templateVariables('{b}{a}{b}{dns_name#self}'), ['b', 'a', 'dns_name#self']);
  });

  void it('throws a TemplateError naming an unknown variable', () => {
    assert.throws(() => renderTemplate('http://{ip_port}{proxy_path}', { ip_port: 'h:1' }), (error: unknown) => {
      assert.ok(error instanceof TemplateError);
      assert.equal(error.reason, 'unknown-variable');
      assert.equal(error.variable, 'proxy_path');
      assert.equal(error.message, 'Template variable {proxy_path} is not defined.');
      return true;
    });
  });

  void it('never resolves a variable from Object.prototype', () => {
    assert.throws(() => renderTemplate('{constructor}', {}), TemplateError);
    assert.throws(() => renderTemplate('{toString}', {}), TemplateError);
    assert.throws(() => renderTemplate('{__proto__}', {}), TemplateError);
  });

  const malformed: [string, string][] = [
    ['a } b', "Template is malformed: a single '}' at position 2 must be written '}}'."],
    ['{user_name', "Template is malformed: the '{' at position 0 is never closed (write '{{' for a literal brace)."],
    ['{}', 'Template is malformed: the field at position 0 has no name: positional fields are not supported, use a variable name.'],
    ['x{1}', 'Template is malformed: the field at position 1 has no name: positional fields are not supported, use a variable name.'],
    ['{a:>8}', "Template is malformed: the field at position 0 contains ':': conversions, format specifications and attribute access are not supported."],
    ['{a.b}', "Template is malformed: the field at position 0 contains '.': conversions, format specifications and attribute access are not supported."],
    ['{a[0]}', "Template is malformed: the field at position 0 contains '[': conversions, format specifications and attribute access are not supported."],
    ['{a{b}', "Template is malformed: the field at position 0 contains '{': conversions, format specifications and attribute access are not supported."],
  ];
  for (const [template, message] of malformed) {
    void it(`rejects ${JSON.stringify(template)} as malformed`, () => {
      for (const call of [() => templateVariables(template), () => renderTemplate(template, { a: 'x', user_name: 'x' })]) {
        assert.throws(call, (error: unknown) => error instanceof TemplateError && error.reason === 'malformed' && error.message === message);
      }
    });
  }

  void it('escapes text so that it renders as itself', () => {
    const text = 'a {user_name} } {{ b';
    assert.equal(renderTemplate(escapeTemplateText(text), {}), text);
  });

  void it('builds DNS names as <instance>-<executionId>-<deployment>', () => {
    assert.equal(containerName('spark-worker1', 42, 'prod'), 'spark-worker1-42-prod');
  });
});
