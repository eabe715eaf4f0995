// Whether dist/ (the compiled JavaScript the CLI, the worker and the API run from) matches the
// sources. The build records what it compiled: the size and modification time of every input (checked
// in a few milliseconds by every `zoe` call) and a digest of their content (computed only when those
// differ, so a checkout that touched files without changing them needs no rebuild). Plain
// JavaScript, no dependency: the CLI's entry and the bootstrap use it before anything is built.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DIST = 'dist';
export const STAMP = '.build-stamp.json';
/** Non-TypeScript files the compiled code reads next to itself (db/migrate.ts reads its SQL files). */
export const ASSET_DIRS = ['db/migrations'];
/** Files outside the sources that change what the build produces (the lock file: the bundled packages). */
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/**
 * The files the build compiles or copies, relative to the root, sorted: every .ts file outside the
 * folders tsconfig.build.json excludes (so the two never disagree), the asset folders, the inputs.
 */
export function buildInputs(root) {
  const { exclude } = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
  const skipped = new Set(exclude);
  const files = [];
  const walk = (relative) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || skipped.has(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') || ASSET_DIRS.some((dir) => path.startsWith(`${dir}/`))) files.push(path);
    }
  };
  walk('');
  return [...files, ...INPUT_FILES].sort();
}

/** Path, size and modification time of each input: equal to the stamp's, nothing changed. */
function fingerprint(root, files) {
  return files.map((file) => {
    const stat = statSync(join(root, file), { throwIfNoEntry: false });
    return `${file} ${stat?.size ?? -1} ${stat?.mtimeMs ?? -1}`;
  }).join('\n');
}

function contentDigest(root, files) {
  // Loaded only when needed: node:crypto alone costs a `zoe` call more than the whole check.
  const { createHash } = process.getBuiltinModule('node:crypto');
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(join(root, file)));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** What the last build recorded (`{ sources, fingerprint, workflowBundle }`), or undefined. */
export function readStamp(root) {
  try {
    return JSON.parse(readFileSync(join(root, DIST, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * `{ fresh, digest, fingerprint, stamp, reason }`: `digest` and `fingerprint` describe the sources
 * now (what a build records); `reason`, when not fresh, is in words a user can act on.
 */
export function buildState(root) {
  const files = buildInputs(root);
  const now = fingerprint(root, files);
  const stamp = readStamp(root);
  if (stamp && stamp.fingerprint === now) return { fresh: true, digest: stamp.sources, fingerprint: now, stamp };
  const digest = contentDigest(root, files);
  if (!stamp) return { fresh: false, digest, fingerprint: now, reason: 'the compiled JavaScript (dist/) has not been built' };
  if (stamp.sources !== digest) return { fresh: false, digest, fingerprint: now, stamp, reason: 'the sources changed since dist/ was built' };
  return { fresh: true, digest, fingerprint: now, stamp };
}
