// ZApp shop commands: `zoe shop ls`, `zoe shop show ID`, `zoe shop start ID NAME --param KEY=VALUE …`.
import type { Command } from 'commander';
import type { ApiError, ZoeClient } from '../client.js';
import { CliError } from '../errors.js';
import { printJson, table } from '../output.js';
import { waitForStatus } from './executions.js';
import { isFinalStatus } from '../../model/statuses.js';

interface ShopParameterJson {
  kind: 'environment' | 'command' | 'service_count';
  name: string;
  readable_name: string;
  description: string;
  type: 'string' | 'int';
  default: string | number | null;
  min?: number;
  max?: number;
  step?: number;
}

interface ShopZAppJson {
  id: string;
  category: string;
  name: string;
  readme_html: string;
  logo_url: string;
  parameters: ShopParameterJson[];
}

interface ShopListJson {
  zapps: ShopZAppJson[];
  problems?: Array<{ folder: string; reason: string }>;
}

interface ShopDetailJson extends ShopZAppJson {
  services: Array<{ name: string; image: string; monitor: boolean; essential_count: number; total_count: number; resources: { memory_gib: number; cores: number } }>;
  can_customize: boolean;
  limits: { max_memory_gib: number; max_cores: number };
}


export function registerShopCommands(program: Command, client: () => ZoeClient): void {
  const shop = program.command('shop').description('the ZApp shop: browse the published ZApps and start them');

  shop.command('ls')
    .description('list the ZApps your role may see (admins also see the shop folders that failed to load)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const listing = await client().request<ShopListJson>('GET', '/zapp_shop');
      if (opts.json) return printJson(listing);
      if (listing.zapps.length === 0) console.log('The shop has no ZApps for you.');
      else {
        const rows = [...listing.zapps].sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
        console.log(table(['ID', 'Category', 'Name', 'Parameters'], rows.map((z) => [z.id, z.category, z.name, z.parameters.map((p) => p.name).join(', ')])));
        console.log('\nRead about one with `zoe shop show ID`; start it with `zoe shop start ID NAME`.');
      }
      if (listing.problems !== undefined && listing.problems.length > 0) {
        console.log(`\n${listing.problems.length} shop folder${listing.problems.length === 1 ? '' : 's'} could not be loaded (shown to admins only):`);
        for (const problem of listing.problems) console.log(`  ${problem.folder || '(shop folder)'}: ${problem.reason}`);
      }
    });

  shop.command('show')
    .description("one ZApp: its readme, parameters (defaults and ranges) and services")
    .argument('<id>', 'shop id, like zapp-spark-0 (see `zoe shop ls`)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const zapp = await client().request<ShopDetailJson>('GET', `/zapp_shop/${encodeURIComponent(id)}`);
      if (opts.json) return printJson(zapp);
      console.log(`${zapp.name}  (${zapp.id}, ${zapp.category})\n`);
      console.log(`${htmlToText(zapp.readme_html)}\n`);
      if (zapp.parameters.length === 0) console.log('Parameters: none');
      else {
        console.log('Parameters:');
        console.log(table(['Parameter', 'Kind', 'Type', 'Default', 'Range', 'Description'], zapp.parameters.map((p) =>
          [p.name, p.kind, p.type, p.default === null ? '-' : String(p.default), range(p), `${p.readable_name}: ${p.description}`])));
      }
      console.log('\nServices:');
      console.log(table(['Service', 'Image', 'Essential', 'Total', 'Memory (GiB)', 'Cores'], zapp.services.map((s) =>
        [s.name, s.image, s.essential_count, s.total_count, round(s.resources.memory_gib), round(s.resources.cores)])));
      console.log('');
      if (zapp.can_customize) {
        console.log(`Start it: zoe shop start ${zapp.id} NAME [--param KEY=VALUE]… [--memory SERVICE=GiB] [--cores SERVICE=N]`);
        console.log(`(memory and cores are capped at ${round(zapp.limits.max_memory_gib)} GiB and ${round(zapp.limits.max_cores)} cores per service)`);
      } else {
        console.log(`Start it: zoe shop start ${zapp.id} NAME   (your role starts it as described: it cannot set parameters or resources)`);
      }
    });

  shop.command('start')
    .description('start a shop ZApp, with parameter values and resources if your role may set them')
    .argument('<id>', 'shop id, like zapp-spark-0 (see `zoe shop ls`)')
    .argument('<name>', 'a name for this execution')
    .option('-p, --param <key=value>', 'a parameter value (repeat for several; see `zoe shop show ID`)', collect, [])
    .option('--memory <service=GiB>', 'memory reserved for each instance of a service, in GiB (repeatable)', collect, [])
    .option('--cores <service=N>', 'cores reserved for each instance of a service (repeatable)', collect, [])
    .option('-w, --wait', 'wait until the execution is running (or has ended)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, name: string, opts: { param: string[]; memory: string[]; cores: string[]; wait?: boolean; json?: boolean }) => {
      const body: Record<string, unknown> = { name };
      if (opts.param.length > 0) body.parameters = Object.fromEntries(opts.param.map((p) => pair(p, '--param', 'KEY=VALUE')));
      const resources: Record<string, { memory_gib?: number; cores?: number }> = {};
      for (const [service, value] of opts.memory.map((m) => pair(m, '--memory', 'SERVICE=GiB'))) (resources[service] ??= {}).memory_gib = positive(value, '--memory');
      for (const [service, value] of opts.cores.map((c) => pair(c, '--cores', 'SERVICE=N'))) (resources[service] ??= {}).cores = positive(value, '--cores');
      if (Object.keys(resources).length > 0) body.resources = resources;

      let executionId: number;
      try {
        executionId = (await client().request<{ execution_id: number }>('POST', `/zapp_shop/${encodeURIComponent(id)}/start`, body)).execution_id;
      } catch (error) {
        throw explainRefusal(error as ApiError, id);
      }
      if (!opts.wait) {
        if (opts.json) printJson({ execution_id: executionId });
        else console.log(`Execution ${executionId} submitted: follow it with \`zoe get ${executionId}\``);
        return;
      }
      const execution = await waitForStatus(client(), executionId, (e) => e.status === 'running' || isFinalStatus(e.status), !!opts.json);
      if (opts.json) printJson(execution);
      else console.log(`Execution ${executionId} is ${execution.status}${execution.error_message && isFinalStatus(execution.status) ? `: ${execution.error_message}` : ''}`);
      if (execution.status !== 'running') process.exitCode = 3;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `KEY=VALUE` split at the first '='; a malformed one is bad usage (exit 2). */
function pair(text: string, option: string, shape: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new CliError(`${option} expects ${shape}, got ${JSON.stringify(text)}`, 2);
  return [text.slice(0, equals), text.slice(equals + 1)];
}

function positive(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new CliError(`${option} expects a positive number, got ${JSON.stringify(text)}`, 2);
  return value;
}

function range(p: ShopParameterJson): string {
  if (p.type !== 'int' || p.min === undefined || p.max === undefined) return '-';
  return `${p.min}..${p.max}${p.step !== undefined && p.step !== 1 ? ` step ${p.step}` : ''}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A refusal with what to do next: every problem the API listed, or how to find a valid id. */
function explainRefusal(error: ApiError, id: string): Error {
  if (error.status === 404) return new CliError(`${error.message}; \`zoe shop ls\` lists the ZApps you can start`, 1);
  const problems = error.body?.error?.details?.errors;
  if (error.status === 400 && problems && problems.length > 0) {
    const lines = problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`);
    return new CliError(`the shop refused to start ${id}; fix these and run the command again (\`zoe shop show ${id}\` lists the parameters):\n${lines.join('\n')}`, 1);
  }
  return error;
}

const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

/** The readme's HTML (as rendered by the shop, a small known set of tags) as plain text for a terminal. */
export function htmlToText(html: string): string {
  return html
    .replace(/<pre><code>([\s\S]*?)<\/code><\/pre>/g, (_, code: string) => `${code.split('\n').map((line) => `    ${line}`).join('\n')}\n`)
    .replace(/<h([1-6])>([\s\S]*?)<\/h\1>/g, (_, level: string, text: string) => `${text}\n${(level === '1' ? '=' : '-').repeat(stripTags(text).length)}\n`)
    .replace(/<(ul|ol)>\n/g, '')
    .replace(/\n<\/(ul|ol)>/g, '\n')
    .replace(/<li>([\s\S]*?)<\/li>/g, (_, item: string) => `  - ${item.replace(/\n/g, '\n    ')}`)
    .replace(/<blockquote>\n|\n<\/blockquote>/g, '')
    .replace(/<hr>/g, '----\n')
    .replace(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g, (_, url: string, label: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<\/p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (entity) => entities[entity] ?? entity)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function stripTags(text: string): string {
  return text.replace(/<[^>]+>/g, '').replace(/&(lt|gt|quot|#39|amp);/g, 'x');
}
