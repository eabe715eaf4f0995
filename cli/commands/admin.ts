// User, role and quota commands (filled in by that work).
import type { Command } from 'commander';
import type { ZoeClient } from '../client.js';

export function registerAdminCommands(_program: Command, _client: () => ZoeClient): void {}
