// Execution commands: start, ls, get, app-get, kill (the original's exec-* and terminate), and
// restart (the original's web page `/executions/restart/ID`).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { findJsonSyntaxError } from '../../zapps/json-syntax.js';
import { CliError } from '../errors.js';
import { localTime, printJson, progress, table } from '../output.js';
import { ApiError, type ApiErrorBody, type ZoeClient } from '../client.js';
import { printLogLines } from '../log-stream.js';
import { EXECUTION_STATUSES, isFinalStatus } from '../../model/statuses.js';

export interface ExecutionJson {
  id: number;
  user_id: number;
  name: string;
  description: { name: string; services: unknown[] };
  status: string;
  error_message: string | null;
  time_submit: number;
  time_start: number | null;
  time_end: number | null;
  services: number[];
  size: number;
  /** Only while queued: the position in the scheduler's queue and why it waits. */
  queue_position?: number;
  waiting_reason?: string;
}

interface ServiceJson {
  id: number;
  name: string;
  essential: boolean;
  status: string;
  backend_status: string;
  backend_host: string | null;
  error_message: string | null;
  exit_code: number | null;
  /** The service's part of the ZApp. */
  description?: { monitor?: boolean };
}


export function readZAppFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch {
    const where = findJsonSyntaxError(text);
    throw new CliError(`${path} is not valid JSON${where ? `: ${where.reason} at line ${where.line}, column ${where.column}` : ''}`, 2);
  }
}

/** Polls the execution until `until` holds, showing each status change. */
export async function waitForStatus(client: ZoeClient, id: number, until: (e: ExecutionJson) => boolean, quiet: boolean): Promise<ExecutionJson> {
  const spinner = progress(!quiet);
  try {
    for (;;) {
      const execution = await client.request<ExecutionJson>('GET', `/execution/${id}`);
      spinner.update(`execution ${id}: ${execution.status}`);
      if (until(execution)) return execution;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    spinner.done();
  }
}

export function registerExecutionCommands(program: Command, client: () => ZoeClient): void {
  program.command('start')
    .description('start an execution of a ZApp description file')
    .argument('<name>', 'a name for this execution')
    .argument('<zapp-file>', 'ZApp description (JSON, format version 3)')
    .option('-w, --wait', 'wait until the execution is running (or has ended), then follow its monitor service\'s log')
    .option('-s, --synchronous', 'same as --wait (the original CLI\'s flag)')
    .option('-r, --running', 'with --wait: return once running, without following the log')
    .option('--json', 'print the result as JSON (with --wait: the execution once running; the log is not followed)')
    .action(async (name: string, file: string, opts: { wait?: boolean; synchronous?: boolean; running?: boolean; json?: boolean }) => {
      const application = readZAppFile(file);
      let id: number;
      try {
        id = (await client().request<{ execution_id: number }>('POST', '/execution', { application, name })).execution_id;
      } catch (error) {
        throw explainValidation(error as ApiError);
      }
      if (!opts.wait && !opts.synchronous) {
        if (opts.json) printJson({ execution_id: id });
        else console.log(`Execution ${id} submitted: follow it with \`zoe get ${id}\``);
        return;
      }
      const execution = await waitForStatus(client(), id, (e) => e.status === 'running' || isFinalStatus(e.status), !!opts.json);
      if (opts.json) printJson(execution);
      else console.log(`Execution ${id} is ${execution.status}${execution.error_message && isFinalStatus(execution.status) ? `: ${execution.error_message}` : ''}`);
      if (execution.status !== 'running') process.exitCode = 3;
      else if (!opts.running && !opts.json) await followMonitor(client(), execution);
    });

  program.command('ls').alias('exec-ls')
    .description('list executions (yours; admins see everyone\'s)')
    .option('--limit <n>', 'at most this many, newest first')
    .option('--name <name>', 'only executions with this name')
    .option('--status <status>', EXECUTION_STATUSES.join(', '))
    .option('--user-id <id>', 'only this user\'s (admins)')
    .option('--earlier-than-submit <epoch>').option('--later-than-submit <epoch>')
    .option('--earlier-than-start <epoch>').option('--later-than-start <epoch>')
    .option('--earlier-than-end <epoch>').option('--later-than-end <epoch>')
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(opts)) {
        if (key !== 'json' && typeof value === 'string') query.set(key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value);
      }
      const result = await client().request<Record<string, ExecutionJson>>('GET', `/execution${query.size ? `?${query.toString()}` : ''}`);
      const rows = Object.values(result).sort((a, b) => a.id - b.id);
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return console.log('No executions.');
      console.log(table(['ID', 'Name', 'ZApp', 'User ID', 'Status', 'Submitted'],
        rows.map((e) => [e.id, e.name, e.description.name, e.user_id, e.status, localTime(e.time_submit)])));
    });

  program.command('get').alias('exec-get')
    .description('show one execution: status, times, endpoints, services and history')
    .argument('<id>', 'execution id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const c = client();
      const execution = await c.request<ExecutionJson>('GET', `/execution/${id}`);
      const [services, endpoints, history] = await Promise.all([
        Promise.all(execution.services.map((s) => c.request<ServiceJson>('GET', `/service/${s}`))),
        c.request<{ endpoints: Array<[string, string, string | null]> }>('GET', `/execution/endpoints/${id}`),
        c.request<{ events: Array<{ time: number; status: string | null; service: string | null; message: string }> }>('GET', `/execution/history/${id}`),
      ]);
      if (opts.json) return printJson({ ...execution, service_details: services, endpoints: endpoints.endpoints, history: history.events });
      console.log(`Execution ${execution.id}: ${execution.name}  (ZApp ${execution.description.name})`);
      console.log(`Status:    ${execution.status}${execution.error_message ? `  (${execution.error_message})` : ''}`);
      if (execution.queue_position !== undefined) {
        console.log(`Waiting:   position ${execution.queue_position} in the queue: ${execution.waiting_reason ?? ''}`);
      }
      console.log(`Submitted: ${localTime(execution.time_submit)}   Started: ${localTime(execution.time_start)}   Ended: ${localTime(execution.time_end)}`);
      if (endpoints.endpoints.length > 0) {
        console.log('Endpoints:');
        for (const [name, url] of endpoints.endpoints) console.log(`  ${name}: ${url}`);
      }
      console.log('');
      console.log(table(['ID', 'Service', 'Essential', 'Status', 'Backend', 'Host', 'Exit', 'Message'],
        services.map((s) => [s.id, s.name, s.essential ? 'yes' : 'no', s.status, s.backend_status, s.backend_host, s.exit_code, s.error_message])));
      console.log('\nHistory:');
      for (const event of history.events) {
        console.log(`  ${localTime(event.time)}  ${event.status ?? event.service ?? ''}  ${event.message}`);
      }
    });

  program.command('endpoints')
    .description('the links to an execution\'s published ports (url_template filled with the host\'s address)')
    .argument('<id>', 'execution id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { endpoints } = await client().request<{ endpoints: Array<[string, string, string | null]> }>('GET', `/execution/endpoints/${id}`);
      if (opts.json) return printJson(endpoints.map(([name, url, proxy]) => ({ name, url, proxy_url: proxy })));
      if (endpoints.length === 0) return console.log(`Execution ${id} has no published endpoint (yet: its services may still be starting).`);
      for (const [name, url] of endpoints) console.log(`${name}: ${url}`);
    });

  program.command('app-get').alias('exec-app-get')
    .description('print the ZApp description an execution was started with')
    .argument('<id>', 'execution id')
    .action(async (id: string) => {
      printJson((await client().request<ExecutionJson>('GET', `/execution/${id}`)).description);
    });

  program.command('restart')
    .description('start a new execution from a copy of an earlier one\'s ZApp, with its name or a new one')
    .argument('<id>', 'execution id (yours, or anyone\'s if your role operates others\')')
    .option('--name <name>', 'a name for the new execution (default: the earlier one\'s)')
    .option('-w, --wait', 'wait until the new execution is running (or has ended)')
    .option('--json', 'print the result as JSON (with --wait: the new execution once running)')
    .action(async (id: string, opts: { name?: string; wait?: boolean; json?: boolean }) => {
      const body = opts.name === undefined ? undefined : { name: opts.name };
      const restarted = (await client().request<{ execution_id: number }>('POST', `/execution/restart/${id}`, body)).execution_id;
      if (!opts.wait) {
        if (opts.json) printJson({ execution_id: restarted });
        else console.log(`Execution ${restarted} submitted, a restart of ${id}: follow it with \`zoe get ${restarted}\``);
        return;
      }
      const execution = await waitForStatus(client(), restarted, (e) => e.status === 'running' || isFinalStatus(e.status), !!opts.json);
      if (opts.json) printJson(execution);
      else console.log(`Execution ${restarted} (a restart of ${id}) is ${execution.status}${execution.error_message && isFinalStatus(execution.status) ? `: ${execution.error_message}` : ''}`);
      if (execution.status !== 'running') process.exitCode = 3;
    });

  program.command('kill').alias('terminate')
    .description('terminate an execution: its containers are stopped and removed')
    .argument('<id>', 'execution id')
    .option('-w, --wait', 'wait until it is terminated')
    .option('-s, --synchronous', 'same as --wait')
    .option('--json', 'print the final execution as JSON (with --wait)')
    .action(async (id: string, opts: { wait?: boolean; synchronous?: boolean; json?: boolean }) => {
      await client().request('DELETE', `/execution/${id}`);
      if (!opts.wait && !opts.synchronous) return console.log(`Execution ${id} is being terminated.`);
      const execution = await waitForStatus(client(), Number(id), (e) => isFinalStatus(e.status), !!opts.json);
      if (opts.json) printJson(execution);
      else console.log(`Execution ${id} is ${execution.status}: ${execution.error_message ?? ''}`);
    });
}

/**
 * `zoe start -s` without `-r`, as the original did: prints the log of the first monitor service
 * until it ends (then how the execution ended), or until Ctrl-C, which leaves the execution running.
 */
async function followMonitor(client: ZoeClient, execution: ExecutionJson): Promise<void> {
  const services = await Promise.all([...execution.services].sort((a, b) => a - b).map((s) => client.request<ServiceJson>('GET', `/service/${s}`)));
  const monitor = services.find((s) => s.description?.monitor === true);
  if (!monitor) return console.log(`Execution ${execution.id} has no monitor service to follow: \`zoe get ${execution.id}\` shows its services.`);
  process.stderr.write(`Following the log of ${monitor.name} (service ${monitor.id}); Ctrl-C stops following and leaves the execution running.\n`);
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const response = await client.send('GET', `/service/logs/${monitor.id}`, undefined, controller.signal);
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as ApiErrorBody;
      throw new ApiError(response.status, body, body.error?.message ?? response.statusText);
    }
    await printLogLines(response, false);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
  if (controller.signal.aborted) {
    process.stderr.write(`\nStopped following: your execution ${execution.id} is still running ` +
      `(\`zoe logs ${monitor.id} -f\` follows it again, \`zoe kill ${execution.id}\` ends it).\n`);
    return;
  }
  // The monitor's log ends with the service; an essential monitor ends the execution with it.
  const deadline = Date.now() + 30_000;
  let last = execution;
  const spinner = progress(true);
  try {
    while (!isFinalStatus(last.status) && Date.now() < deadline) {
      spinner.update(`the log has ended; execution ${execution.id}: ${last.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = await client.request<ExecutionJson>('GET', `/execution/${execution.id}`);
    }
  } finally {
    spinner.done();
  }
  if (!isFinalStatus(last.status)) return console.log(`The log of ${monitor.name} has ended; execution ${execution.id} is still ${last.status}.`);
  console.log(`Execution ${execution.id} is ${last.status}${last.error_message ? `: ${last.error_message}` : ''}`);
  if (last.status === 'error') process.exitCode = 3;
}

/**
 * A refused ZApp: list every problem the API reported, one per line. Their paths are inside the
 * request, whose `application` is the file: shown as paths inside the file.
 */
function explainValidation(error: ApiError): Error {
  const problems = error.body?.error?.details?.errors;
  if (!problems || problems.length === 0) return error;
  const inFile = (path: string) => (path === 'application' ? '' : path.replace(/^application(?=[.[])\.?/, ''));
  const lines = problems.map((p) => `  ${inFile(p.path) || '(root)'}: ${p.message}`);
  return new CliError(`the ZApp was refused; fix these and run the command again:\n${lines.join('\n')}`, 1);
}
