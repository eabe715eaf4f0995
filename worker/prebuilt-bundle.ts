// The workflow bundle the build made (scripts/bundle-workflows.mjs), so a worker started from the
// compiled build does not run webpack at every start. It is used only when this file runs compiled
// and the build recorded the bundle as made from the same sources as the rest of dist/; otherwise
// (tests and tools run from source through tsx, or no bundle) the worker bundles workflows/ itself.
import { readFileSync } from 'node:fs';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

export function prebuiltWorkflowBundle(): WorkflowBundleWithSourceMap | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const dist = new URL('../', import.meta.url);
  try {
    const stamp = JSON.parse(readFileSync(new URL('.build-stamp.json', dist), 'utf8')) as { sources?: string; workflowBundle?: string | null };
    if (!stamp.sources || stamp.workflowBundle !== stamp.sources) return undefined;
    return {
      code: readFileSync(new URL('workflow-bundle.js', dist), 'utf8'),
      sourceMap: readFileSync(new URL('workflow-bundle.js.map', dist), 'utf8'),
    };
  } catch {
    return undefined;
  }
}
