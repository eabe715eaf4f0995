// Reading a service's output, for the REST API and the web pages alike: while its container
// exists, the back-end's stream (live until the service ends, or what is there now); afterwards,
// the copy kept at teardown. Either way the reader gets a stream with back-pressure that is dropped
// if the reader stalls, so no reader can make the serving process hold more than a few KiB.
import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ContainerBackend } from '../backends/contract.js';
import { Unavailable, NotFound } from '../model/errors.js';
import { Failure, failureTypeOf } from '../model/failures.js';
import { guardAgainstStall } from '../service-logs/stall-guard.js';
import type { AuthenticatedUser } from '../users/repository.js';
import type { ExecutionDeps } from './deps.js';
import { serviceLogFile } from './log-files.js';
import { visibleService } from './visibility.js';

export interface ServiceLogDeps extends Pick<ExecutionDeps, 'config' | 'pool'> {
  backend: ContainerBackend;
}

/** The service's output as `<RFC 3339 timestamp> <text>` lines; NotFound when not visible or not started yet. */
export async function openServiceLog(deps: ServiceLogDeps, account: AuthenticatedUser, serviceId: number,
  options: { follow: boolean }): Promise<Readable> {
  const { service, execution } = await visibleService(deps.pool, account, serviceId);
  const { deployment, serviceLogsBase, logReaderStallMs } = deps.config;
  if (service.backend_host && service.backend_status === 'started') {
    const ref = { deployment, executionId: execution.id, instance: service.name, host: service.backend_host };
    let live: Readable | undefined;
    try {
      live = await deps.backend.openLogs(ref, { follow: options.follow });
    } catch (error) {
      if (failureTypeOf(error) !== Failure.BackendUnavailable) throw error;
      throw new Unavailable(`host ${ref.host}, where service ${serviceId} runs, does not answer: try again shortly`);
    }
    if (live) return guardAgainstStall(live, logReaderStallMs); // else removed meanwhile: the kept copy
  }
  const file = serviceLogFile(serviceLogsBase, deployment, execution.id, service.name);
  if (!existsSync(file)) throw new NotFound(`the log of service ${serviceId} (it has not started yet)`);
  return guardAgainstStall(createReadStream(file), logReaderStallMs);
}
