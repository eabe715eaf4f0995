// The original project's material (its ZApps, its ZApp shop, its host file, the documentation the
// seeds quote) is not in this repository: it lives in ../shared beside the clone, as in CI. A user's
// lone clone has none. The tests that read it run where it is; where it is not, each such file says
// so in one plain line (what it does not check, and why) and skips those tests with that reason, so
// `npm test` passes on a lone clone without pretending to have checked them.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../config/config.js';

/** `../shared` seen from the repository root. */
export const sharedDir = join(projectRoot, '..', 'shared');

/**
 * `false` when the material is present. Otherwise prints, once for the calling test file
 * (`import.meta.url`), the line saying what it does not check, and returns the reason to pass as
 * `{ skip }` to the tests that need the material.
 */
export function withoutReferenceMaterial(testFile: string, unchecked: string): false | string {
  if (existsSync(join(sharedDir, 'reference')) && existsSync(join(sharedDir, 'seeds'))) return false;
  const file = relative(projectRoot, fileURLToPath(testFile));
  console.log(`reference material not present: ${file} does not check ${unchecked} ` +
    `(it reads ${sharedDir}, which sits beside the clone in CI but not here)`);
  return `reference material not present (${sharedDir})`;
}
