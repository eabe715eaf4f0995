// One invalid description per row, each with the exact problems it must produce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateZApp, type ZAppProblem } from '../../../zapps/validate.js';
import { baseZApp, deepFreeze, GiB, limits, type Json } from './helpers.js';

const remove = Symbol('remove');
type Edit = [path: string, value: Json | typeof remove];

/** The base ZApp with edits applied at dotted paths (`services.0.name`); `[]` pushes. */
function edited(...edits: Edit[]): Json {
  const root = baseZApp();
  for (const [path, value] of edits) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    let node: Json = root;
    for (const key of keys) node = (node as Record<string, Json>)[key] ?? null;
    if (Array.isArray(node) && last === '[]' && value !== remove) node.push(value);
    else if (value === remove) Reflect.deleteProperty(node as object, last);
    else (node as Record<string, Json>)[last] = value;
  }
  return root;
}

const p = (path: string, message: string): ZAppProblem => ({ path, message });
const required = 'This field is required.';
const pathComponentRule = "must be lowercase letters and digits, separated by '.', '_', '__' or '-'";

const cases: { name: string; input: unknown; expected: ZAppProblem[] }[] = [
  { name: 'a number instead of an object', input: 42, expected: [p('', 'Expected an object, got the number 42.')] },
  { name: 'null', input: null, expected: [p('', 'Expected an object, got null.')] },
  { name: 'an array', input: [], expected: [p('', 'Expected an object, got an array.')] },
  { name: 'missing name', input: edited(['name', remove]), expected: [p('name', required)] },
  { name: 'short name', input: edited(['name', 'ab']), expected: [p('name', 'Must be at least 3 characters long.')] },
  { name: 'long name', input: edited(['name', 'a'.repeat(129)]), expected: [p('name', 'Must be at most 128 characters long.')] },
  { name: 'name with a space', input: edited(['name', 'my app']), expected: [p('name', "ZApp names may contain only letters, digits, '@' and '-'.")] },
  { name: 'version 2', input: edited(['version', 2]), expected: [p('version', 'Only version 3 of the ZApp format is supported.')] },
  { name: 'version as a string', input: edited(['version', '3']), expected: [p('version', 'Only version 3 of the ZApp format is supported.')] },
  { name: 'missing version', input: edited(['version', remove]), expected: [p('version', required)] },
  { name: 'will_end as a string', input: edited(['will_end', 'no']), expected: [p('will_end', 'Expected a boolean (true or false), got the string "no".')] },
  { name: 'negative size', input: edited(['size', -1]), expected: [p('size', 'Must be at least 0.')] },
  { name: 'fractional size', input: edited(['size', 1.5]), expected: [p('size', 'Expected an integer, got the number 1.5.')] },
  { name: 'no services', input: edited(['services', []]), expected: [p('services', 'Must contain at least 1 item.')] },
  { name: 'services as an object', input: edited(['services', {}]), expected: [p('services', 'Expected an array, got an object.')] },
  { name: 'v2 top-level field', input: edited(['priority', 512]), expected: [p('priority', 'Unknown field "priority": it is not part of this format.')] },
  { name: 'v2 service field', input: edited(['services.0.docker_image', 'x']), expected: [p('services[0].docker_image', 'Unknown field "docker_image": it is not part of this format.')] },
  { name: 'short service name', input: edited(['services.1.name', 'wk']), expected: [p('services[1].name', 'Must be at least 3 characters long.')] },
  { name: 'long service name', input: edited(['services.1.name', 'w'.repeat(17)]), expected: [p('services[1].name', 'Must be at most 16 characters long.')] },
  { name: 'underscore in service name', input: edited(['services.1.name', 'spark_worker']), expected: [p('services[1].name', "Service names may contain only letters, digits and '-'.")] },
  { name: 'duplicate service name', input: edited(['services.1.name', 'master']), expected: [p('services[1].name', 'The service name "master" is already used by services[0]; service names must be unique.')] },
  {
    name: 'instance name collision (master10)',
    input: edited(['services.0.total_count', 12], ['services.1.name', 'master1']),
    expected: [p('services[1].name', 'Services "master" and "master1" would both produce an instance named "master10"; instance names must be unique in an execution, so rename one of them.')],
  },
  { name: 'no monitor service', input: edited(['services.0.monitor', false]), expected: [p('services', 'At least one service must have monitor set to true.')] },
  {
    name: 'monitor as a string (and so no monitor)',
    input: edited(['services.0.monitor', 'yes']),
    expected: [p('services[0].monitor', 'Expected a boolean (true or false), got the string "yes".'), p('services', 'At least one service must have monitor set to true.')],
  },
  { name: 'essential_count 0', input: edited(['services.1.essential_count', 0]), expected: [p('services[1].essential_count', 'Must be at least 1.')] },
  { name: 'essential_count above total_count', input: edited(['services.1.essential_count', 4]), expected: [p('services[1].essential_count', 'essential_count (4) must not be greater than total_count (3).')] },
  { name: 'fractional total_count', input: edited(['services.1.total_count', 2.5]), expected: [p('services[1].total_count', 'Expected an integer, got the number 2.5.')] },
  { name: 'startup_order as a string', input: edited(['services.1.startup_order', '1']), expected: [p('services[1].startup_order', 'Expected a number, got the string "1".')] },
  { name: 'replicas 0', input: edited(['services.1.replicas', 0]), expected: [p('services[1].replicas', 'Must be at least 1.')] },
  { name: 'memory.min null', input: edited(['services.0.resources.memory.min', null]), expected: [p('services[0].resources.memory.min', 'memory.min must be set: the scheduler cannot reserve an unknown amount')] },
  { name: 'memory.min below 1024', input: edited(['services.0.resources.memory.min', 1000]), expected: [p('services[0].resources.memory.min', 'Must be at least 1024 bytes.')] },
  { name: 'missing memory.min', input: edited(['services.0.resources.memory.min', remove]), expected: [p('services[0].resources.memory.min', required)] },
  {
    name: 'memory.min above the administrative limit',
    input: edited(['services.0.resources.memory.min', 100 * GiB]),
    expected: [p('services[0].resources.memory.min', 'memory.min (107374182400 bytes) is more than the administrative limit of 68719476736 bytes per service.')],
  },
  { name: 'missing memory.max', input: edited(['services.0.resources.memory.max', remove]), expected: [p('services[0].resources.memory.max', required)] },
  { name: 'memory.max as a string', input: edited(['services.0.resources.memory.max', 'lots']), expected: [p('services[0].resources.memory.max', 'Expected a number, got the string "lots".')] },
  { name: 'cores.min 0', input: edited(['services.0.resources.cores.min', 0]), expected: [p('services[0].resources.cores.min', 'Must be greater than 0 (or null for the default of 0.1 cores).')] },
  { name: 'cores.min above the administrative limit', input: edited(['services.0.resources.cores.min', 17]), expected: [p('services[0].resources.cores.min', 'cores.min (17) is more than the administrative limit of 16 cores per service.')] },
  { name: 'negative shm', input: edited(['services.1.resources.shm', -1]), expected: [p('services[1].resources.shm', 'Must be at least 0.')] },
  { name: 'shm_size (the documented, never-implemented name)', input: edited(['services.1.resources.shm_size', 1]), expected: [p('services[1].resources.shm_size', 'Unknown field "shm_size": it is not part of this format.')] },
  { name: 'missing resources', input: edited(['services.1.resources', remove]), expected: [p('services[1].resources', required)] },
  { name: 'port 0', input: edited(['services.0.ports.0.port_number', 0]), expected: [p('services[0].ports[0].port_number', 'Must be at least 1.')] },
  { name: 'port 70000', input: edited(['services.0.ports.0.port_number', 70000]), expected: [p('services[0].ports[0].port_number', 'Must be at most 65535.')] },
  { name: 'protocol http', input: edited(['services.0.ports.0.protocol', 'http']), expected: [p('services[0].ports[0].protocol', 'Must be one of "tcp", "udp", got the string "http".')] },
  { name: 'short port name', input: edited(['services.0.ports.0.name', 'ui']), expected: [p('services[0].ports[0].name', 'Must be at least 3 characters long.')] },
  {
    name: 'the same port twice',
    input: edited(['services.0.ports.[]', { name: 'Again', port_number: 8080, protocol: 'tcp', url_template: '' }], ['services.0.ports.[]', { name: 'UDP is another port', port_number: 8080, protocol: 'udp', url_template: '' }]),
    expected: [p('services[0].ports[1].port_number', 'Port 8080/tcp is declared more than once in this service.')],
  },
  { name: 'missing url_template', input: edited(['services.0.ports.0.url_template', remove]), expected: [p('services[0].ports[0].url_template', required)] },
  {
    name: 'unknown variable in a URL template',
    input: edited(['services.0.ports.0.url_template', 'http://{ip_port}/{path}']),
    expected: [p('services[0].ports[0].url_template', 'Unknown template variable {path}: URL templates may use {user_name}, {execution_id}, {execution_name}, {deployment_name}, {ip_port}, {proxy_path}, {dns_name#self} and {dns_name#<instance>}.')],
  },
  {
    name: 'a URL-only variable in an environment value',
    input: edited(['services.0.environment.1.1', '{ip_port}']),
    expected: [p('services[0].environment[1][1]', 'Unknown template variable {ip_port}: environment values may use {user_name}, {execution_id}, {execution_name}, {deployment_name}, {dns_name#self} and {dns_name#<instance>}.')],
  },
  {
    name: 'an instance that does not exist (worker3 of 3)',
    input: edited(['services.0.environment.1.1', '{dns_name#worker3}']),
    expected: [p('services[0].environment[1][1]', 'The template variable {dns_name#worker3} names the instance "worker3", which this ZApp does not define.')],
  },
  { name: 'an unclosed brace', input: edited(['services.0.environment.1.1', '{unclosed']), expected: [p('services[0].environment[1][1]', "Template is malformed: the '{' at position 0 is never closed (write '{{' for a literal brace).")] },
  { name: 'a lone closing brace', input: edited(['services.0.environment.1.1', 'a}b']), expected: [p('services[0].environment[1][1]', "Template is malformed: a single '}' at position 1 must be written '}}'.")] },
  { name: 'a positional field', input: edited(['services.0.environment.1.1', '{0}']), expected: [p('services[0].environment[1][1]', 'Template is malformed: the field at position 0 has no name: positional fields are not supported, use a variable name.')] },
  {
    name: 'a conversion',
    input: edited(['services.0.environment.1.1', 'x{user_name!r}']),
    expected: [p('services[0].environment[1][1]', "Template is malformed: the field at position 1 contains '!': conversions, format specifications and attribute access are not supported.")],
  },
  { name: 'an invalid variable name', input: edited(['services.0.environment.0.0', '1ABC']), expected: [p('services[0].environment[0][0]', 'Environment variable names must start with a letter or underscore and contain only letters, digits and underscores.')] },
  { name: 'a pair with one element', input: edited(['services.0.environment.0', ['ONLY']]), expected: [p('services[0].environment[0]', 'Each environment entry must be a [name, value] pair of two strings.')] },
  { name: 'a numeric value', input: edited(['services.0.environment.0.1', 1]), expected: [p('services[0].environment[0][1]', 'Expected a string, got the number 1.')] },
  { name: 'a duplicate variable', input: edited(['services.0.environment.[]', ['OWNER', 'x']]), expected: [p('services[0].environment[2][0]', 'The environment variable OWNER is set more than once in this service.')] },
  { name: 'a volume without read_only', input: edited(['services.0.volumes.0.read_only', remove]), expected: [p('services[0].volumes[0].read_only', required)] },
  { name: 'the reserved volume name', input: edited(['services.0.volumes.0.name', 'workspace']), expected: [p('services[0].volumes[0].name', 'The volume name "workspace" is reserved for the user workspace mounted at /mnt/workspace.')] },
  { name: 'a volume name that climbs out of /mnt', input: edited(['services.0.volumes.0.name', '../etc']), expected: [p('services[0].volumes[0].name', "Volume names must start with a letter or digit and contain only letters, digits, '.', '_' and '-'.")] },
  { name: 'a relative host path', input: edited(['services.0.volumes.0.path', 'srv/data']), expected: [p('services[0].volumes[0].path', 'The host path must be absolute (start with "/").')] },
  {
    name: 'the same volume name twice',
    input: edited(['services.0.volumes.[]', { name: 'data', path: '/srv/other', read_only: false }]),
    expected: [p('services[0].volumes[1].name', 'The volume name "data" is used more than once in this service; each is mounted at /mnt/<name>.')],
  },
  { name: 'an empty command', input: edited(['services.1.command', '']), expected: [p('services[1].command', 'Must be at least 1 character long.')] },
  { name: 'missing command', input: edited(['services.1.command', remove]), expected: [p('services[1].command', required)] },
  { name: 'an empty work_dir', input: edited(['services.1.work_dir', '']), expected: [p('services[1].work_dir', 'Must be at least 1 character long.')] },
  { name: 'a repeated label', input: edited(['services.1.labels.[]', 'gpu']), expected: [p('services[1].labels[1]', 'The label "gpu" is listed more than once.')] },
  { name: 'labels as a string', input: edited(['services.1.labels', 'gpu']), expected: [p('services[1].labels', 'Expected an array, got the string "gpu".')] },
  { name: 'an empty network', input: edited(['services.1.network', '']), expected: [p('services[1].network', 'Must be at least 1 character long.')] },
  { name: 'an empty image', input: edited(['services.1.image', '']), expected: [p('services[1].image', 'Must be at least 1 character long.')] },
  { name: 'an uppercase image', input: edited(['services.1.image', 'Zapps/Spark']), expected: [p('services[1].image', `The image reference "Zapps/Spark" is not well formed: the repository path component "Zapps" ${pathComponentRule}.`)] },
  {
    name: 'an empty tag',
    input: edited(['services.1.image', 'zapps/spark:']),
    expected: [p('services[1].image', `The image reference "zapps/spark:" is not well formed: the tag "" must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'.`)],
  },
  { name: 'a registry port out of range', input: edited(['services.1.image', 'registry.local:99999/spark']), expected: [p('services[1].image', 'The image reference "registry.local:99999/spark" is not well formed: the registry port "99999" must be a number from 0 to 65535.')] },
  {
    name: 'a short digest',
    input: edited(['services.1.image', 'spark@sha256:abc']),
    expected: [p('services[1].image', 'The image reference "spark@sha256:abc" is not well formed: the digest after "@" must be sha256:<64 lowercase hex digits> (or sha512:<128>).')],
  },
  {
    name: 'several problems at once, schema and semantic together',
    input: edited(['version', 2], ['services.0.resources.memory.min', null], ['services.1.essential_count', 5], ['services.1.image', 'UPPER'], ['extra', true]),
    expected: [
      p('version', 'Only version 3 of the ZApp format is supported.'),
      p('services[0].resources.memory.min', 'memory.min must be set: the scheduler cannot reserve an unknown amount'),
      p('extra', 'Unknown field "extra": it is not part of this format.'),
      p('services[1].essential_count', 'essential_count (5) must not be greater than total_count (3).'),
      p('services[1].image', `The image reference "UPPER" is not well formed: the repository path component "UPPER" ${pathComponentRule}.`),
    ],
  },
];

void describe('invalid ZApp descriptions', () => {
  void it('the base description is valid', () => {
    assert.deepEqual(validateZApp(deepFreeze(baseZApp()), limits), { valid: true, zapp: baseZApp() });
  });

  void it('has at least 40 cases', () => assert.ok(cases.length >= 40, `${cases.length} cases`));

  for (const { name, input, expected } of cases) {
    void it(name, () => {
      const result = validateZApp(deepFreeze(input), limits);
      assert.deepEqual(result, { valid: false, errors: expected });
    });
  }
});
