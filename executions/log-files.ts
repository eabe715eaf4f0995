// Where a service's output is kept once its container is gone (as the original's
// service-logs-base-path tree): `<base>/<deployment>/<execution>/<instance>.txt`. Lines are
// `<RFC 3339 timestamp> <text>`.
import { join } from 'node:path';

export function executionLogDir(base: string, deployment: string, executionId: number): string {
  return join(base, deployment, String(executionId));
}

export function serviceLogFile(base: string, deployment: string, executionId: number, instance: string): string {
  if (!/^[a-zA-Z0-9-]+$/.test(instance)) throw new Error(`not an instance name: ${instance}`);
  return join(executionLogDir(base, deployment, executionId), `${instance}.txt`);
}
