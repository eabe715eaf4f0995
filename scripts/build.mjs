// The build: tsc compiles the TypeScript to dist/ (emit only: type errors are reported by
// `npm run typecheck` and by `npm test`, not here), the files the compiled code reads beside itself
// are copied, compiled files whose source is gone are removed, and, for a production start, the
// Temporal workflow bundle is made once (scripts/bundle-workflows.mjs) so a worker start bundles
// nothing. It runs only when the sources changed since the last build (build-state.mjs).
// `npm run build` runs it through the bootstrap; `node scripts/build.mjs` runs it alone.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSET_DIRS, DIST, STAMP, buildState } from './build-state.mjs';

/** Files of dist/ that have no source of their own. */
const KEEP = new Set([STAMP, '.tsbuildinfo', 'workflow-bundle.js', 'workflow-bundle.js.map']);

/**
 * Brings dist/ up to date with the sources; with `workflowBundle`, the prebuilt workflow bundle too.
 * Returns false (after saying why) when the build failed.
 */
export function ensureBuilt(root, { workflowBundle = false } = {}) {
  const state = buildState(root);
  const stamp = state.fresh ? state.stamp : {};
  const started = Date.now();
  if (!state.fresh) {
    console.log(`zoe: compiling the TypeScript to dist/ (${state.reason})…`);
    rmSync(join(root, DIST, STAMP), { force: true });
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck'],
      { cwd: root, stdio: 'inherit' });
    if (tsc.status !== 0) {
      console.error('zoe: compiling the TypeScript failed (the errors are above); fix them and run the command again.');
      return false;
    }
    for (const dir of ASSET_DIRS) {
      rmSync(join(root, DIST, dir), { recursive: true, force: true });
      cpSync(join(root, dir), join(root, DIST, dir), { recursive: true });
    }
    removeOrphans(root);
  }
  let bundled = stamp.workflowBundle === state.digest ? state.digest : null;
  if (workflowBundle && !bundled) {
    console.log('zoe: bundling the Temporal workflows into dist/workflow-bundle.js…');
    const bundle = spawnSync(process.execPath, [join(root, 'scripts', 'bundle-workflows.mjs')], { cwd: root, stdio: 'inherit' });
    if (bundle.status !== 0) {
      console.error('zoe: bundling the workflows failed (the error is above); fix it and run the command again.');
      return false;
    }
    bundled = state.digest;
  }
  // Also when only the files' times changed (a checkout): the next check is then the quick one again.
  if (!state.fresh || bundled !== (stamp.workflowBundle ?? null) || stamp.fingerprint !== state.fingerprint) {
    const record = { sources: state.digest, workflowBundle: bundled, fingerprint: state.fingerprint };
    writeFileSync(join(root, DIST, STAMP), `${JSON.stringify(record)}\n`);
  }
  if (!state.fresh || bundled !== (stamp.workflowBundle ?? null)) {
    console.log(`zoe: dist/ is up to date (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return true;
}

/** Removes compiled files whose TypeScript source was deleted or moved, so nothing stale can be run. */
function removeOrphans(root) {
  const dist = join(root, DIST);
  const walk = (relative) => {
    for (const entry of readdirSync(join(dist, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (!relative && KEEP.has(entry.name)) continue;
      if (ASSET_DIRS.includes(path)) continue;
      if (entry.isDirectory()) {
        walk(path);
        if (readdirSync(join(dist, path)).length === 0) rmSync(join(dist, path), { recursive: true });
        continue;
      }
      const source = path.replace(/\.js(\.map)?$/, '.ts');
      if (source === path || !existsSync(join(root, source))) rmSync(join(dist, path));
    }
  };
  if (existsSync(dist)) walk('');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  process.exit(ensureBuilt(root, { workflowBundle: true }) ? 0 : 1);
}
