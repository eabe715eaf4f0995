#!/usr/bin/env node
// `zoe` command entry: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
