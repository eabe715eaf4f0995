import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZAppJson } from '../../../zapps/validate.js';
import { baseZApp, limits } from './helpers.js';

function jsonProblem(text: string): string {
  const result = parseZAppJson(text, limits);
  assert.equal(result.valid, false);
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0]?.path, '');
  return result.errors[0]?.message ?? '';
}

void describe('parseZAppJson', () => {
  void it('parses and validates a description', () => {
    const result = parseZAppJson(JSON.stringify(baseZApp()), limits);
    assert.deepEqual(result, { valid: true, zapp: baseZApp() });
  });

  void it('accepts a leading byte-order mark', () => {
    assert.equal(parseZAppJson(`\uFEFF${JSON.stringify(baseZApp())}`, limits).valid, true);
  });

  const broken: [string, string][] = [
    ['', 'unexpected end of input at line 1, column 1'],
    ['{"name": }', 'unexpected character "}" at line 1, column 10'],
    ['{\n  "name": "x",\n  "size": 1,\n}', 'expected a property name in double quotes but found "}" at line 4, column 1'],
    ['{"a" 1}', 'expected \':\' but found "1" at line 1, column 6'],
    ['[1 2]', 'expected \',\' or \']\' but found "2" at line 1, column 4'],
    ['{"a": 1 "b": 2}', 'expected \',\' or \'}\' but found "\\"" at line 1, column 9'],
    ['{"a": "x', 'string is never closed at line 1, column 7'],
    ['{"a": "\\q"}', 'invalid escape sequence in string at line 1, column 8'],
    ['{"a": "\t"}', 'control character in string (write it as an escape such as \\n) at line 1, column 8'],
    ['{"a": 01}', 'expected \',\' or \'}\' but found "1" at line 1, column 8'],
    ['{} {}', 'unexpected text after the end of the JSON value at line 1, column 4'],
    ["{'a': 1}", 'expected a property name in double quotes but found "\'" at line 1, column 2'],
    ['{"a": tru}', 'unexpected character "t" at line 1, column 7'],
  ];
  for (const [text, where] of broken) {
    void it(`locates the error in ${JSON.stringify(text)}`, () => {
      assert.equal(jsonProblem(text), `The ZApp description is not valid JSON: ${where}.`);
    });
  }

  void it('reports valid JSON that is not an object through the validator', () => {
    assert.deepEqual(parseZAppJson('[1, 2]', limits), { valid: false, errors: [{ path: '', message: 'Expected an object, got an array.' }] });
  });
});
