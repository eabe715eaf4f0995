// `npm test`: lint (including the workflow sandbox rule), typecheck, then every test file under
// test/ with node's test runner: test/unit (no services), test/replay (recorded histories, offline)
// and test/integration, against one set of real components started here: the Docker Engine (found
// or installed), a Temporal dev server and PostgreSQL. `npm run test:unit` runs the unit tests
// alone, in seconds, with no service started; `npm test -- FILE…` runs the given files.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { projectRoot } from '../config/config.js';
import { startSharedInfra } from '../test/helpers/infra.js';

function step(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  console.log(`\n== ${title}`);
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n${title} failed.`);
    process.exit(result.status ?? 1);
  }
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'helpers' || name === 'histories' ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [relative(projectRoot, path)] : [];
  });
}

const args = process.argv.slice(2);
const unitOnly = args[0] === '--unit';
const only = unitOnly ? [] : args;
const bin = (name: string) => join(projectRoot, 'node_modules', '.bin', name);
// On this Node (the pinned one, from the bootstrap), whatever `node` the tools' first lines would find.
if (only.length === 0 && !unitOnly) {
  step('lint', process.execPath, [bin('eslint'), '.']);
  step('typecheck', process.execPath, [bin('tsc'), '--noEmit', '-p', 'tsconfig.json']);
}

const kinds = ['unit', 'replay', 'integration'];
const files = only.length > 0 ? only : (unitOnly ? ['unit'] : kinds).flatMap((kind) => testFiles(join(projectRoot, 'test', kind)));
// Unit and replay tests need no service: starting the real components is for integration tests.
const needsServices = files.some((file) => !/^test\/(unit|replay)\//.test(file));
if (needsServices) console.log('\n== starting the real components (Docker Engine, Temporal dev server, PostgreSQL)');
const infra = needsServices ? await startSharedInfra() : undefined;
console.log(`\n== tests (${files.length} files)`);
const tapFile = join(tmpdir(), `zoe-tests-${process.pid}.tap`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: infra ? { ...process.env, ZOE_TEST_TEMPORAL_ADDRESS: infra.temporalAddress, ZOE_TEST_DATABASE_URL: infra.databaseUrl } : process.env,
});
await infra?.stop();
// One plain closing line, whatever reporter a reader understands.
const tap = readFileSync(tapFile, 'utf8');
const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
rmSync(tapFile, { force: true });
console.log(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(result.status ?? 1);
