// Replays every workflow history recorded from real runs (test/histories and its folders, made by
// `npm run record-history`) against the current workflow code: a change that would break
// executions already running fails here. Histories are only ever added: one recorded before a
// change stays, so the code after it must still replay it (or branch on `patched()`).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { projectRoot } from '../../config/config.js';
import { buildWorkflowBundle } from '../../worker/worker.js';

const dir = join(projectRoot, 'test', 'histories');
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort();
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));

/** One history for every way an execution ends, and the scheduler's: none may go missing. */
const REQUIRED = [
  'execution-batch.json', // essential service exits by itself
  'execution-killed.json', // killed while running, elastic instances started
  'execution-elastic-restart.json', // an elastic instance exits, is placed and started again; a kill while it starts
  'execution-runtime-limit.json', // the runtime limit ends it
  'execution-failed-start.json', // the image is missing: the start fails
  'execution-kill-starting.json', // killed while its first startup group waits for its port
  'execution-kill-queued.json', // killed before admission
  'execution-queued-admitted.json', // queued, admitted when capacity freed, killed
  'execution-shrunk.json', // an elastic instance taken back by the scheduler, then grown again
  'execution-host-lost.json', // its essential service's host was lost
  'scheduler.json',
  'scheduler-elastic-and-queue.json',
];

void describe('recorded workflow histories replay against the current code', () => {
  void it('has a recorded history for every ending of the execution workflow, and the scheduler\'s', () => {
    assert.deepEqual(REQUIRED.filter((file) => !files.includes(file)), []);
  });

  for (const file of files) {
    void it(`replays ${file}`, async () => {
      const history = load(file);
      assert.ok((history.events?.length ?? 0) > 10, 'a real history, not an empty one');
      await Worker.runReplayHistory({ workflowBundle: await bundle() }, history, file.replace(/\.json$/, '').replaceAll('/', '-'));
    });
  }

  // The check above can fail: a history whose commands differ from the code's is refused.
  void it('refuses a history the code does not match (an execution\'s history replayed as the scheduler)', async () => {
    const history = load('execution-batch.json');
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    started.workflowType = { name: 'schedulerWorkflow' };
    started.input = load('scheduler.json').events![0]!.workflowExecutionStartedEventAttributes!.input;
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: await bundle() }, history, 'mismatch'), DeterminismViolationError);
  });
});

let cached: ReturnType<typeof buildWorkflowBundle> | undefined;
function bundle(): ReturnType<typeof buildWorkflowBundle> {
  cached ??= buildWorkflowBundle();
  return cached;
}
