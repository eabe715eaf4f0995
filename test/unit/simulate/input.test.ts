// Malformed traces and host lists are refused with the line and the reason; valid ones parse to
// exactly what the README says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSimulationHosts } from '../../../scheduler/simulate/hosts.js';
import { SimulationInputError, arrayElementLines, parseMemory } from '../../../scheduler/simulate/input.js';
import { instancesOf, parseTrace } from '../../../scheduler/simulate/trace.js';
import { GiB } from './helpers.js';

const good = '{"arrival": 0, "runningTime": 60, "services": [{"name": "main", "cores": 1, "memory": "1GiB", "essential": 1}]}';

function refused(parse: (text: string) => unknown, text: string, line: number, reason: RegExp): void {
  assert.throws(() => parse(text), (error: unknown) => {
    assert.ok(error instanceof SimulationInputError, `expected a SimulationInputError, got ${String(error)}`);
    assert.equal(error.line, line, `line of "${error.message}"`);
    assert.match(error.reason, reason);
    assert.equal(error.message, line > 0 ? `line ${line}: ${error.reason}` : error.reason);
    return true;
  });
}

void describe('parseTrace', () => {
  void it('reads JSON Lines: defaults, ids, sizes, memory units, comments and blank lines', () => {
    const text = [
      '# a trace', good, '',
      '{"id": 7, "arrival": 2.5, "runningTime": 30, "size": 3, "services": [{"name": "spark-master", "cores": 1, "memory": 2147483648, "essential": 1},'
        + ' {"name": "spark-worker", "cores": 2, "memory": "512MiB", "essential": 1, "elastic": 2, "labels": ["ssd"]}]}',
    ].join('\n');
    const [first, second] = parseTrace(text);
    assert.deepEqual(first, { id: 1, arrival: 0, runningTime: 60, size: 1, line: 2, services: [{ name: 'main', cores: 1, memory: GiB, essential: 1, elastic: 0, labels: [] }] });
    assert.equal(second?.id, 7);
    assert.equal(second?.line, 4);
    assert.equal(second?.size, 3);
    assert.deepEqual(instancesOf(second ?? { services: [] }).map((i) => [i.instance, i.essential, i.memory, i.labels]), [
      ['spark-master0', true, 2 * GiB, []], ['spark-worker0', true, GiB / 2, ['ssd']],
      ['spark-worker1', false, GiB / 2, ['ssd']], ['spark-worker2', false, GiB / 2, ['ssd']],
    ]);
  });

  void it('reads a JSON array, reporting problems at the line where the element starts', () => {
    assert.equal(parseTrace(`[\n  ${good},\n  ${good}\n]`).length, 2);
    refused(parseTrace, `[\n  ${good},\n  {\n    "arrival": 1,\n    "services": []\n  }\n]`, 3, /runningTime: this field is required/);
    refused(parseTrace, '{"executions": []}', 1, /services: this field is required|arrival/);
  });

  const cases: [string, string, number, RegExp][] = [
    ['JSON syntax', `${good}\n${good}\n{"arrival": 1, "runningTime": 2,, }`, 3, /not valid JSON: .* at column 33/],
    ['missing field', `${good}\n{"arrival": 1, "services": [{"name": "a", "cores": 1, "memory": 1, "essential": 1}]}`, 2, /^runningTime: this field is required$/],
    ['negative arrival', '{"arrival": -1, "runningTime": 1, "services": [{"name": "a", "cores": 1, "memory": 1, "essential": 1}]}', 1, /^arrival: must be at least 0$/],
    ['zero running time', '{"arrival": 0, "runningTime": 0, "services": [{"name": "a", "cores": 1, "memory": 1, "essential": 1}]}', 1, /^runningTime: must be greater than 0$/],
    ['bad memory', '{"arrival": 0, "runningTime": 1, "services": [{"name": "a", "cores": 1, "memory": "4GB", "essential": 1}]}', 1, /^services\[0\]\.memory: expected bytes .*GiB/],
    ['fractional count', '{"arrival": 0, "runningTime": 1, "services": [{"name": "a", "cores": 1, "memory": 1, "essential": 1.5}]}', 1, /^services\[0\]\.essential: expected an integer/],
    ['unknown field', '{"arrival": 0, "runtime": 5, "runningTime": 1, "services": [{"name": "a", "cores": 1, "memory": 1, "essential": 1}]}', 1, /^runtime: unknown field "runtime"/],
    ['no essential', '{"arrival": 0, "runningTime": 1, "services": [{"name": "a", "cores": 1, "memory": 1, "essential": 0, "elastic": 3}]}', 1, /no essential instance/],
    ['duplicate service', '{"arrival": 0, "runningTime": 1, "services": [{"name": "a", "cores": 1, "memory": 1, "essential": 1}, {"name": "a", "cores": 1, "memory": 1, "essential": 1}]}', 1, /services\[1\]\.name: .* used twice/],
    ['colliding instances', '{"arrival": 0, "runningTime": 1, "services": [{"name": "w1", "cores": 1, "memory": 1, "essential": 1}, {"name": "w", "cores": 1, "memory": 1, "essential": 11}]}', 1, /both name an instance "w10"/],
    ['duplicate id', `{"id": 4, ${good.slice(1)}\n\n{"id": 4, ${good.slice(1)}`, 3, /execution id 4 is already used on line 1/],
    ['not an object', `${good}\n42`, 2, /one JSON object per line/],
    ['empty', '# nothing\n\n', 0, /no execution/],
  ];
  for (const [name, text, line, reason] of cases) {
    void it(`refuses ${name} at line ${line}`, () => refused(parseTrace, text, line, reason));
  }
});

void describe('parseSimulationHosts', () => {
  void it('reads a JSON list', () => {
    assert.deepEqual(parseSimulationHosts('[{"name": "a", "cores": 32, "memory": "128GiB"}, {"name": "b", "cores": 8, "memory": 1024, "labels": ["gpu"]}]'), [
      { name: 'a', cores: 32, memory: 128 * GiB, labels: [], online: true },
      { name: 'b', cores: 8, memory: 1024, labels: ['gpu'], online: true },
    ]);
  });

  void it('reads the INI host file with cores and memory, DEFAULT included, other keys ignored', () => {
    const ini = '[DEFAULT]\nuse_tls: no\ncores: 32\nmemory: 128GiB\n\n[bar]\ndocker_address: 10.0.0.5:2375\nexternal_address: 10.0.0.5\n\n[baz]\ncores = 16\nmemory = 68719476736\nlabels: gpu, ssd\n';
    assert.deepEqual(parseSimulationHosts(ini), [
      { name: 'bar', cores: 32, memory: 128 * GiB, labels: [], online: true },
      { name: 'baz', cores: 16, memory: 64 * GiB, labels: ['gpu', 'ssd'], online: true },
    ]);
  });

  const cases: [string, string, number, RegExp][] = [
    ['JSON syntax', '[\n  {"name": "a", "cores": 1, "memory": 1},\n  {"name": "b" "cores": 1}\n]', 3, /not valid JSON/],
    ['missing cores', '[\n  {"name": "a", "cores": 1, "memory": 1},\n  {"name": "b",\n   "memory": 1}\n]', 3, /^cores: this field is required$/],
    ['zero memory', '[{"name": "a", "cores": 1, "memory": "0GiB"}]', 1, /^memory: expected a positive amount/],
    ['duplicate name', '[\n{"name": "a", "cores": 1, "memory": 1},\n{"name": "a", "cores": 1, "memory": 1}\n]', 3, /host name "a" is already used on line 2/],
    ['a JSON object', '{"name": "a"}', 1, /expected a JSON array of hosts/],
    ['INI missing memory', '[h1]\ncores: 4\n\n[h2]\ncores: 4\nmemory: 1GiB\n', 1, /host \[h1\] is missing the required key "memory"/],
    ['INI bad cores', '[h1]\ncores: lots\nmemory: 1GiB\n', 2, /cores must be a positive number, got "lots"/],
    ['INI bad memory', '[h1]\ncores: 2\nmemory: 12 gigs\n', 3, /memory must be a positive amount/],
    ['INI malformed line', '[h1]\ncores 2\n', 2, /expected "key: value"/],
    ['empty', '# no hosts\n', 0, /no host/],
  ];
  for (const [name, text, line, reason] of cases) {
    void it(`refuses ${name} at line ${line}`, () => refused(parseSimulationHosts, text, line, reason));
  }
});

void describe('input helpers', () => {
  void it('parseMemory takes bytes or binary units only', () => {
    assert.equal(parseMemory(1024), 1024);
    assert.equal(parseMemory('4GiB'), 4 * GiB);
    assert.equal(parseMemory('512 MiB'), 512 * 1024 ** 2);
    assert.equal(parseMemory('0.5TiB'), 512 * GiB);
    assert.equal(parseMemory('100'), 100);
    for (const bad of ['4GB', '4g', '-1', 'GiB', '', -5, Infinity, null, true]) assert.equal(parseMemory(bad), undefined, String(bad));
  });

  void it('arrayElementLines skips brackets and commas inside strings', () => {
    assert.deepEqual(arrayElementLines('[\n{"a": "],[{"},\n\n  7, "x\\"y",\n[1,\n2]]'), [2, 4, 4, 5]);
    assert.deepEqual(arrayElementLines('[]'), []);
  });
});
