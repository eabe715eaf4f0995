// The Docker Engine hosts Zoe places containers on. Each has a name (the section of the
// original's INI host file), a client, the address users reach published ports on, and labels.
import Docker from 'dockerode';
import { Failure, zoeFailure } from '../../model/failures.js';
import type { HostCapacity } from '../../scheduler/types.js';

export interface DockerHost {
  name: string;
  docker: Docker;
  /** Address users reach the published ports on (endpoint URLs). */
  externalAddress: string;
  /** Host interface the ports are published on. */
  publishAddress: string;
  labels: string[];
}

/** How long a host may take to answer a question that must not hang (inventory, listing). */
export const HOST_ANSWER_MS = 10_000;

export class HostRegistry {
  private readonly byName: Map<string, DockerHost>;

  constructor(readonly hosts: DockerHost[]) {
    this.byName = new Map(hosts.map((h) => [h.name, h]));
  }

  get(name: string): DockerHost {
    const host = this.byName.get(name);
    if (!host) throw zoeFailure(Failure.UnknownHost, `unknown host ${name}`);
    return host;
  }

  /** Every host but these (lost hosts, which may not even refuse a connection). */
  except(skip: readonly string[] = []): DockerHost[] {
    return this.hosts.filter((host) => !skip.includes(host.name));
  }
}

/** The single local engine (DOCKER_HOST or the default socket), as `npm start` uses it. */
export function localHost(options: { externalAddress: string; publishAddress: string }): DockerHost {
  return { name: 'local', docker: new Docker(), labels: [], ...options };
}

/** The request's answer, or a rejection after `ms`: a host that is gone may not even refuse the connection. */
export function withinTime<T>(request: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
}

/** Reads one host's capacity from `docker info`; an engine that does not answer is offline. */
export async function readCapacity(host: DockerHost, timeoutMs = HOST_ANSWER_MS): Promise<HostCapacity> {
  try {
    const info = (await withinTime(host.docker.info() as Promise<unknown>, timeoutMs, host.name)) as { MemTotal: number; NCPU: number };
    return { name: host.name, memory: info.MemTotal, cores: info.NCPU, labels: host.labels, online: true };
  } catch {
    return { name: host.name, memory: 0, cores: 0, labels: host.labels, online: false };
  }
}
