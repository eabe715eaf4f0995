// The Docker Engine hosts Zoe places containers on. Each has a name (the section of the
// original's INI host file), a client, the address users reach published ports on, and labels.
import { Failure, zoeFailure } from '../../model/failures.js';
import Docker from 'dockerode';
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
}

/** The single local engine (DOCKER_HOST or the default socket), as `npm start` uses it. */
export function localHost(options: { externalAddress: string; publishAddress: string }): DockerHost {
  return { name: 'local', docker: new Docker(), labels: [], ...options };
}

/** Reads one host's capacity from `docker info`; an engine that does not answer is offline. */
export async function readCapacity(host: DockerHost, timeoutMs = 10_000): Promise<HostCapacity> {
  try {
    // A host that is gone may not even refuse the connection: bound the wait.
    const info = (await Promise.race([
      host.docker.info(),
      new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ])) as { MemTotal: number; NCPU: number };
    return { name: host.name, memory: info.MemTotal, cores: info.NCPU, labels: host.labels, online: true };
  } catch {
    return { name: host.name, memory: 0, cores: 0, labels: host.labels, online: false };
  }
}
