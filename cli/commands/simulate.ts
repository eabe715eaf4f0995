// The scheduling simulator command (filled in by that work).
import type { Command } from 'commander';
import type { ZoeClient } from '../client.js';

export function registerSimulateCommands(_program: Command, _client: () => ZoeClient): void {}
