// `zoe zapp validate FILE`: checks a ZApp locally, listing every problem with its path.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config/config.js';
import { parseZAppJson } from '../../zapps/validate.js';
import { CliError } from '../errors.js';
import { printJson } from '../output.js';

export function registerZAppCommands(program: Command): void {
  const zapp = program.command('zapp').description('work with ZApp description files');
  zapp.command('validate')
    .description('check a ZApp description; exits 0 when valid, 1 with every problem listed when not')
    .argument('<file>', 'ZApp description (JSON)')
    .option('--json', 'print {valid, errors:[{path, message}]}')
    .action((file: string, opts: { json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
      }
      // The same administrative limits the server applies (ZOE_MAX_MEMORY_LIMIT, ZOE_MAX_CORE_LIMIT).
      const result = parseZAppJson(text, loadConfig().limits);
      if (opts.json) printJson(result.valid ? { valid: true, errors: [] } : { valid: false, errors: result.errors });
      else if (result.valid) console.log(`${file}: valid`);
      else console.log(`${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}\n${result.errors.map((e) => `  ${e.path || '(root)'}: ${e.message}`).join('\n')}`);
      if (!result.valid) process.exitCode = 1;
    });
}
