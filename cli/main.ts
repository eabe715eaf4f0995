// The `zoe` command: everything the original zoe.py and zoe-admin.py did, over the REST API.
import { Command, CommanderError } from 'commander';
import { ApiError, ZoeClient } from './client.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerExecutionCommands } from './commands/executions.js';
import { registerLogCommands } from './commands/logs.js';
import { registerOpsCommands } from './commands/ops.js';
import { registerShopCommands } from './commands/shop.js';
import { registerStatsCommands } from './commands/stats.js';
import { registerSimulateCommands } from './commands/simulate.js';
import { registerZAppCommands } from './commands/zapp.js';
import { resolveCredentials } from './credentials.js';
import { CliError } from './errors.js';
import { printJson } from './output.js';

const program = new Command('zoe')
  .description('Zoe analytics-as-a-service: run ZApps (Spark, Jupyter, MPI, batch jobs) on a shared container pool')
  .option('--auth-file <path>', 'credentials file (default ~/.zoerc, then the local admin file written by `npm start`)')
  .showHelpAfterError('(run `zoe --help` for the commands)')
  .exitOverride();

let cachedClient: ZoeClient | undefined;
const client = (): ZoeClient => (cachedClient ??= new ZoeClient(resolveCredentials(program.opts<{ authFile?: string }>().authFile)));

program.command('info')
  .description('Zoe version, API version, ZApp format version and deployment name')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const info = await client().request<Record<string, unknown>>('GET', '/info');
    if (opts.json) return printJson(info);
    for (const [key, value] of Object.entries(info)) console.log(`${key}: ${String(value)}`);
  });

registerExecutionCommands(program, client);
registerLogCommands(program, client);
registerStatsCommands(program, client);
registerZAppCommands(program);
registerShopCommands(program, client);
registerAdminCommands(program, client);
registerSimulateCommands(program, client);
registerOpsCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof CliError) {
    process.stderr.write(`zoe: ${error.message}\n`);
    process.exit(error instanceof ApiError ? 1 : error.exitCode);
  }
  throw error;
}
