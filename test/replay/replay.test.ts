// Replays workflow histories recorded from real runs (test/histories, made by
// `npm run record-history`) against the current workflow code: a change that would break
// executions already running fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../../config/config.js';
import { buildWorkflowBundle } from '../../worker/worker.js';

const dir = join(projectRoot, 'test', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

void describe('recorded workflow histories replay against the current code', () => {
  void it('has recorded histories of the execution and scheduler workflows', () => {
    assert.ok(files.includes('execution-killed.json'));
    assert.ok(files.includes('execution-batch.json'));
    assert.ok(files.includes('scheduler.json'));
  });

  for (const file of files) {
    void it(`replays ${file}`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      assert.ok((history.events?.length ?? 0) > 10, 'a real history, not an empty one');
      await Worker.runReplayHistory({ workflowBundle: await bundle() }, history, file.replace(/\.json$/, ''));
    });
  }
});

let cached: ReturnType<typeof buildWorkflowBundle> | undefined;
function bundle(): ReturnType<typeof buildWorkflowBundle> {
  cached ??= buildWorkflowBundle();
  return cached;
}
