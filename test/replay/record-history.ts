// `npm run record-history`: runs real executions through the real stack and saves their workflow
// histories under test/histories/, for the replay test. Run it again after an intended change to
// the workflows' structure (and keep the old files if executions started before must still replay).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { projectRoot } from '../../config/config.js';
import { executionWorkflowId, schedulerWorkflowId } from '../../model/naming.js';
import { caller, sampleZApp, waitForStatus } from '../helpers/api.js';
import { startTestStack } from '../helpers/stack.js';

const stack = await startTestStack();
try {
  const alice = caller(stack.apiUrl, 'alice', 'alice-pass');
  const start = async (name: string, application: unknown) =>
    ((await alice('POST', '/execution', { name, application })).body as { execution_id: number }).execution_id;

  const killed = await start('recorded-kill', sampleZApp('cluster'));
  await waitForStatus(alice, killed, (s) => s === 'running');
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // let the elastic workers start
  await alice('DELETE', `/execution/${killed}`);
  await waitForStatus(alice, killed, (s) => s === 'terminated');

  const batch = await start('recorded-batch', sampleZApp('batch'));
  await waitForStatus(alice, batch, (s) => s === 'terminated');

  const save = async (file: string, workflowId: string) => {
    const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(join(projectRoot, 'test', 'histories', file), `${historyToJSON(history)}\n`);
    console.log(`saved ${file} (${history.events?.length ?? 0} events)`);
  };
  await save('execution-killed.json', executionWorkflowId(stack.config.deployment, killed));
  await save('execution-batch.json', executionWorkflowId(stack.config.deployment, batch));
  await save('scheduler.json', schedulerWorkflowId(stack.config.deployment));
} finally {
  await stack.stop();
}
