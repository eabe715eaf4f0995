// Bundles the compiled workflows (dist/workflows/index.js) into dist/workflow-bundle.js with its
// source map, once per build, as Temporal's production sample does: a worker started from dist/
// loads it (worker/prebuilt-bundle.ts) instead of running webpack at every start. Run by
// scripts/build.mjs in a process of its own, so the bootstrap never loads the worker SDK.
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const quiet = () => undefined;
const { code, sourceMap } = await bundleWorkflowCode({
  workflowsPath: join(dist, 'workflows', 'index.js'),
  logger: {
    log: quiet, trace: quiet, debug: quiet, info: quiet,
    warn: (message) => process.stderr.write(`bundler: ${message}\n`),
    error: (message) => process.stderr.write(`bundler: ${message}\n`),
  },
});
// Written beside, then renamed: a worker starting meanwhile reads the old bundle or the new one, whole.
for (const [name, text] of [['workflow-bundle.js.map', sourceMap], ['workflow-bundle.js', code]]) {
  writeFileSync(join(dist, `${name}.partial`), text);
  renameSync(join(dist, `${name}.partial`), join(dist, name));
}
