#!/usr/bin/env node
// `zoe` command entry: runs the CLI compiled to dist/ by the set-up step (`npm start`, `npm test`,
// `npm run build`), so a command compiles nothing. When dist/ is missing or older than the sources it
// says what to run rather than run stale code (unless the bootstrap that started this process tree,
// a test run, checked it already: ZOE_DIST_CHECKED). Compiled modules are cached by Node between calls.
import { enableCompileCache } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildState } from '../../scripts/build-state.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const state = process.env.ZOE_DIST_CHECKED === '1' ? { fresh: true } : buildState(root);
if (!state.fresh) {
  process.stderr.write(`zoe: ${state.reason}. Run \`npm run build\` in ${root} (\`npm start\` and \`npm test\` build it too), then try again.\n`);
  process.exit(2);
}
// A cache the user cannot write (another account's clone) only means no cache: Node carries on.
enableCompileCache?.(join(root, '.cache', 'node-compile-cache'));
await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
