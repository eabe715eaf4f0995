// Operator commands over the Temporal client, for those with access to Zoe's Temporal namespace
// (no Zoe login needed): `zoe ops scheduler` shows what the scheduler workflow holds (hosts, the
// queue with each execution's position and reason, allocations per host), and `zoe ops history ID`
// exports an execution workflow's history as JSON, replayable by test/replay.test.ts.
import { writeFileSync } from 'node:fs';
import type { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type ZoeConfig } from '../../config/config.js';
import { executionWorkflowId, schedulerWorkflowId } from '../../model/naming.js';
import type { SchedulerSnapshot } from '../../workflows/messages.js';
import { CliError } from '../errors.js';
import { bytes, printJson, table } from '../output.js';

/** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and ZOE_DEPLOYMENT_NAME, validated as Zoe itself reads them. */
function operatorConfig(): ZoeConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}

/** The Temporal SDK is loaded only by these commands: every other `zoe` command starts faster without it. */
const temporalClient = () => import('@temporalio/client');

async function withTemporal<T>(config: ZoeConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const { Client, Connection } = await temporalClient();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5_000 });
  } catch (error) {
    throw new CliError(`cannot reach Temporal at ${config.temporal.address} (${(error as Error).message}); set TEMPORAL_ADDRESS to Zoe's Temporal server`);
  }
  try {
    return await work(new Client({ connection, namespace: config.temporal.namespace }));
  } finally {
    await connection.close();
  }
}

function notFound(config: ZoeConfig, what: string, hint: string): CliError {
  return new CliError(`no ${what} in namespace ${config.temporal.namespace} for deployment ${config.deployment}; ${hint}`);
}

/** gRPC status code NOT_FOUND. */
const GRPC_NOT_FOUND = 5;

const cores = (value: number) => String(Math.round(value * 100) / 100);

function printSnapshot(snapshot: SchedulerSnapshot): void {
  console.log('Hosts:');
  console.log(table(['Host', 'Status', 'Labels', 'Memory reserved', 'Cores reserved', 'Instances'], snapshot.hosts.map((h) => {
    const mine = snapshot.placements.filter((p) => p.host === h.name);
    return [h.name, h.online ? 'online' : 'offline', h.labels.join(',') || '-',
      `${bytes(mine.reduce((s, p) => s + p.memory, 0))} / ${bytes(h.memory)}`,
      `${cores(mine.reduce((s, p) => s + p.cores, 0))} / ${h.cores}`, mine.length];
  })));

  const waiting = new Map(snapshot.waiting.map((w) => [w.executionId, w]));
  console.log(`\nQueue (${snapshot.queue.length}):`);
  if (snapshot.queue.length === 0) console.log('  empty');
  else {
    const rows = snapshot.queue
      .map((q) => ({ q, w: waiting.get(q.executionId) }))
      .sort((a, b) => (a.w?.position ?? Infinity) - (b.w?.position ?? Infinity));
    console.log(table(['Position', 'Execution', 'Submitted', 'Size', 'Why it waits'], rows.map(({ q, w }) => [
      w?.position ?? '-', q.executionId, new Date(q.submittedAt).toLocaleString(), q.size,
      w?.reason ?? 'admitted; waiting for its elastic instances',
    ])));
  }

  console.log('\nAllocations:');
  if (snapshot.placements.length === 0) console.log('  none');
  for (const host of [...new Set(snapshot.placements.map((p) => p.host))].sort()) {
    console.log(`  ${host}:`);
    const placed = snapshot.placements.filter((p) => p.host === host).sort((a, b) => a.executionId - b.executionId || a.instance.localeCompare(b.instance));
    console.log(table(['Execution', 'Instance', 'Essential', 'Memory', 'Cores'], placed.map((p) =>
      [p.executionId, p.instance, p.essential ? 'yes' : 'no', bytes(p.memory), cores(p.cores)]))
      .split('\n').map((line) => `    ${line}`).join('\n'));
  }
}

export function registerOpsCommands(program: Command): void {
  const ops = program.command('ops')
    .description('operator commands over Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ZOE_DEPLOYMENT_NAME); no Zoe login needed');

  ops.command('scheduler')
    .description('the scheduler workflow\'s state: hosts, the queue with positions and reasons, allocations per host')
    .option('--json', 'print the snapshot as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = operatorConfig();
      const [{ snapshotQuery }, { WorkflowNotFoundError }] = await Promise.all([import('../../workflows/messages.js'), temporalClient()]);
      const snapshot = await withTemporal(config, async (client) => {
        try {
          return await client.workflow.getHandle(schedulerWorkflowId(config.deployment)).query(snapshotQuery);
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) throw notFound(config, 'scheduler workflow', 'is the worker running, and is ZOE_DEPLOYMENT_NAME right?');
          throw new CliError(`the scheduler did not answer (${(error as Error).message}); is the worker running?`);
        }
      });
      if (opts.json) return printJson(snapshot);
      printSnapshot(snapshot);
    });

  ops.command('history')
    .description('export an execution workflow\'s history as JSON (for replay tests and support)')
    .argument('<id>', 'execution id')
    .option('-o, --out <file>', 'write it to this file instead of stdout')
    .action(async (raw: string, opts: { out?: string }) => {
      if (!/^[1-9][0-9]{0,9}$/.test(raw)) throw new CliError(`${JSON.stringify(raw)} is not an execution id: expected a positive integer`, 2);
      const config = operatorConfig();
      const workflowId = executionWorkflowId(config.deployment, Number(raw));
      const [{ historyToJSON }, { WorkflowNotFoundError, isGrpcServiceError }] = await Promise.all([import('@temporalio/common/lib/proto-utils.js'), temporalClient()]);
      const history = await withTemporal(config, async (client) => {
        try {
          return await client.workflow.getHandle(workflowId).fetchHistory();
        } catch (error) {
          // Fetching a history reports a missing workflow as the service's NOT_FOUND, not as WorkflowNotFoundError.
          if (error instanceof WorkflowNotFoundError || (isGrpcServiceError(error) && Number(error.code) === GRPC_NOT_FOUND)) {
            throw notFound(config, `workflow ${workflowId}`, 'check the id (`zoe ls`) and ZOE_DEPLOYMENT_NAME');
          }
          throw error;
        }
      });
      const text = `${historyToJSON(history)}\n`;
      if (!opts.out) return void process.stdout.write(text);
      try {
        writeFileSync(opts.out, text);
      } catch (error) {
        throw new CliError(`cannot write ${opts.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
      }
      process.stderr.write(`${history.events?.length ?? 0} events of ${workflowId} written to ${opts.out}\n`);
    });
}
