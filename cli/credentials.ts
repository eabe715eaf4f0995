// Where the CLI finds the API and the login, in the original CLI's order: --auth-file (default
// ~/.zoerc) with `url = …`, `user = …`, `pass = …` lines, overridden by ZOE_URL, ZOE_USER and
// ZOE_PASS. As a last resort, the local admin file `npm start` writes in the data directory.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../config/config.js';
import { CliError } from './errors.js';

export interface Credentials {
  url: string;
  user: string;
  pass: string;
  source: string;
}

export function parseZoerc(text: string): Partial<Record<'url' | 'user' | 'pass', string>> {
  const values: Partial<Record<'url' | 'user' | 'pass', string>> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(url|user|pass)\s*[=:]\s*(.*?)\s*$/.exec(raw);
    if (match) values[match[1] as 'url' | 'user' | 'pass'] = match[2]!;
  }
  return values;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function resolveCredentials(authFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Credentials {
  const candidates = authFile
    ? [authFile]
    : [join(homedir(), '.zoerc'), join(env.ZOE_DATA_DIR ?? join(projectRoot, '.zoe-data'), 'zoerc')];
  let file: Partial<Record<'url' | 'user' | 'pass', string>> = {};
  let source = 'environment';
  for (const candidate of candidates) {
    const text = readIfPresent(candidate);
    if (text !== undefined) {
      file = parseZoerc(text);
      source = candidate;
      break;
    }
  }
  if (authFile && source === 'environment') throw new CliError(`cannot read the auth file ${authFile}`, 2);
  const url = env.ZOE_URL ?? file.url;
  const user = env.ZOE_USER ?? file.user;
  const pass = env.ZOE_PASS ?? file.pass;
  for (const [name, value] of [['url', url], ['user', user], ['pass', pass]] as const) {
    if (!value) {
      throw new CliError(`missing ${name} auth parameter: set ZOE_${name.toUpperCase()} or put "${name} = …" in ~/.zoerc ` +
        '(after `npm start`, the local admin login is found automatically)', 2);
    }
  }
  return { url: url!.replace(/\/+$/, ''), user: user!, pass: pass!, source };
}
