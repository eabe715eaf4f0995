// `zoe stats`: the scheduler's picture — hosts with their reservations, the queue with each
// execution's position and why it waits, what runs and what is being torn down.
import type { Command } from 'commander';
import type { ZoeClient } from '../client.js';
import { bytes, printJson, table } from '../output.js';

interface Statistics {
  queue_length: number;
  running_length: number;
  termination_queue_length: number;
  running_queue: number[];
  termination_queue: number[];
  platform_stats: {
    nodes?: Array<{ name: string; status: string; labels: string[]; container_count: number;
      memory_total: number; memory_reserved: number; cores_total: number; cores_reserved: number }>;
  };
  waiting: Array<{ executionId: number; position: number; reason: string }>;
}

export function registerStatsCommands(program: Command, client: () => ZoeClient): void {
  program.command('stats')
    .description('scheduler statistics: hosts and reservations, the queue and why each execution waits')
    .option('--json', 'print JSON (the original Zoe\'s /statistics/scheduler shape, plus `waiting`)')
    .action(async (opts: { json?: boolean }) => {
      const stats = await client().request<Statistics>('GET', '/statistics/scheduler');
      if (opts.json) return printJson(stats);
      console.log(`Queue: ${stats.queue_length} waiting or growing · running: ${stats.running_length} · cleaning up: ${stats.termination_queue_length}`);
      const nodes = stats.platform_stats.nodes ?? [];
      if (nodes.length === 0) console.log('No host inventory yet (is the worker running?).');
      else {
        console.log(table(['Host', 'Status', 'Labels', 'Containers', 'Memory reserved', 'Cores reserved'], nodes.map((n) => [
          n.name, n.status, n.labels.join(',') || '-', n.container_count,
          `${bytes(n.memory_reserved)} / ${bytes(n.memory_total)}`,
          `${Math.round(n.cores_reserved * 100) / 100} / ${n.cores_total}`,
        ])));
      }
      if (stats.waiting.length > 0) {
        console.log('\nWaiting:');
        console.log(table(['Position', 'Execution', 'Why'], stats.waiting.map((w) => [w.position, w.executionId, w.reason])));
      }
    });
}
