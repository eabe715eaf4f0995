// Starts (or reuses) the Temporal dev server: SQLite persistence under the data directory, the
// Web UI on its own port, and the search attributes Zoe's workflows set.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Logger } from '../log/logger.js';
import { startFailure } from '../stack/failure.js';
import { commandLine, isAlive, readPid, stopPid, writePid } from '../stack/pidfile.js';
import { searchAttributeDefinitions } from '../workflows/search-attributes.js';

export interface DevServerOptions {
  cli: string;
  dbFile: string;
  logFile: string;
  ip: string;
  port: number;
  /** undefined: no Web UI (`--headless`). */
  uiPort: number | undefined;
  namespace: string;
  /** Trade durability for speed (test runs): WAL and synchronous=OFF. */
  fastSqlite?: boolean;
  /** Where the started server's pid is kept, so a start after a crash adopts it (and stops it later). */
  pidFile?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  /** True when a server already answered and was reused: stop() leaves it alone. */
  reused: boolean;
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions, log: Logger): Promise<DevServer> {
  const address = `${options.ip}:${options.port}`;
  const uiUrl = options.uiPort === undefined ? undefined : `http://${options.ip}:${options.uiPort}`;
  if (await answers(address, 1_000)) {
    await ensureSearchAttributes(address, options.namespace, log);
    const leftover = options.pidFile ? readPid(options.pidFile) : undefined;
    if (leftover !== undefined && isAlive(leftover) && commandLine(leftover).includes('start-dev')) {
      log.info(`adopting the Temporal dev server a previous start left running (pid ${leftover})`);
      return { address, uiUrl, reused: false, pid: leftover, stop: () => stopPid(leftover) };
    }
    log.info(`reusing the Temporal server already answering on ${address}`);
    return { address, uiUrl, reused: true, pid: undefined, stop: () => Promise.resolve() };
  }

  mkdirSync(dirname(options.dbFile), { recursive: true });
  mkdirSync(dirname(options.logFile), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', options.dbFile,
    '--ip', options.ip,
    '--port', String(options.port),
    '--namespace', options.namespace,
    '--log-level', 'warn',
    ...searchAttributeDefinitions.flatMap((a) => ['--search-attribute', `${a.name}=${a.cliType}`]),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.fastSqlite ? ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'] : []),
  ];
  const out = openSync(options.logFile, 'a');
  // Detached in its own process group: a Ctrl-C meant for `npm start` reaches it only through stop().
  const child = spawn(options.cli, args, { stdio: ['ignore', out, out], detached: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      writeFileSync(options.logFile, `${options.cli}: ${error.message}\n`, { flag: 'a' });
      resolve(null);
    });
  });
  let exitCode: number | null | undefined;
  const ready = await Promise.race([waitUntilAnswering(address, 60_000), exited.then((code) => {
    exitCode = code;
    return false;
  })]);
  if (!ready) {
    child.kill('SIGKILL');
    throw startFailure(exitCode === undefined
      ? `the Temporal dev server did not answer on ${address} within 60 s of its start.`
      : `the Temporal dev server (${options.cli}) exited at start${exitCode === null ? '' : ` with code ${exitCode}`}.`,
    { file: options.logFile },
    `if the log says the address is in use, stop what listens on port ${options.port}` +
      `${options.uiPort === undefined ? '' : ` or ${options.uiPort}`} or choose other ports (TEMPORAL_ADDRESS, TEMPORAL_UI_PORT); ` +
      'otherwise fix what the log says, then run the command again.');
  }
  await ensureSearchAttributes(address, options.namespace, log);
  if (options.pidFile && child.pid) writePid(options.pidFile, child.pid);
  return {
    address,
    uiUrl,
    reused: false,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** True when a Temporal frontend answers a health check on the address within the timeout. */
export async function answers(address: string, timeoutMs: number): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.healthService.check({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export async function waitUntilAnswering(address: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(address, 2_000)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** Registers the missing search attributes (a reused server may not have them). */
async function ensureSearchAttributes(address: string, namespace: string, log: Logger): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = searchAttributeDefinitions.filter((a) => !known.has(a.name));
    if (missing.length === 0) return;
    const keyword = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a.name, keyword])),
    });
    log.info(`registered search attributes ${missing.map((a) => a.name).join(', ')}`);
  } finally {
    await connection.close();
  }
}
