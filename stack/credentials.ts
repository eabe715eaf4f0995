// The local admin's credentials, kept in the data directory (mode 600) in the format of the
// original CLI's ~/.zoerc, so `npx zoe …` works right after `npm start` with nothing to configure.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function localZoercPath(dataDir: string): string {
  return join(dataDir, 'zoerc');
}

export function writeLocalZoerc(dataDir: string, url: string, user: string, password: string): string {
  const path = localZoercPath(dataDir);
  writeFileSync(path, `url = ${url}\nuser = ${user}\npass = ${password}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function hasLocalZoerc(dataDir: string): boolean {
  return existsSync(localZoercPath(dataDir));
}
