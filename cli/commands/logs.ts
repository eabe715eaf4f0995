// `zoe logs SERVICE_ID [-f] [-t]`: a service's output, live with -f until the service ends.
// Lines arrive as `<timestamp> <text>`; the timestamp is shown only with -t, as in the original.
import type { Command } from 'commander';
import type { ZoeClient } from '../client.js';
import { ApiError } from '../client.js';

export function registerLogCommands(program: Command, client: () => ZoeClient): void {
  program.command('logs')
    .description('print a service\'s output (service ids are listed by `zoe get EXECUTION_ID`)')
    .argument('<service-id>', 'service id')
    .option('-f, --follow', 'keep following the output until the service ends (Ctrl-C to stop)')
    .option('-t, --timestamps', 'show the time of each line')
    .action(async (id: string, opts: { follow?: boolean; timestamps?: boolean }) => {
      const response = await client().send('GET', `/service/logs/${id}?follow=${opts.follow ? '1' : '0'}`);
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new ApiError(response.status, body, body.error?.message ?? response.statusText);
      }
      let pending = '';
      const decoder = new TextDecoder();
      const emit = (line: string) => {
        const space = line.indexOf(' ');
        process.stdout.write(`${opts.timestamps || space < 0 ? line : line.slice(space + 1)}\n`);
      };
      for await (const chunk of response.body ?? []) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(emit);
      }
      if (pending) emit(pending);
    });
}
