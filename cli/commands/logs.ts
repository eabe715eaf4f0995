// `zoe logs SERVICE_ID [-f] [-t]`: a service's output, live with -f until the service ends.
// Lines arrive as `<timestamp> <text>`; the timestamp is shown only with -t, as in the original.
import type { Command } from 'commander';
import type { ZoeClient } from '../client.js';
import { ApiError } from '../client.js';
import { printLogLines } from '../log-stream.js';

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
      await printLogLines(response, !!opts.timestamps);
    });
}
