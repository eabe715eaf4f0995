// The Docker Engines of a deployment: one client per host of the original's INI host file
// (ZOE_HOSTS_FILE, parsed by config/host-file.ts), or the single local engine (DOCKER_HOST or the
// default socket) when none is configured.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import type { DockerBackendConfig } from '../../config/config.js';
import { HostFileError, type HostFileEntry, parseEngineAddress, readHostFile } from '../../config/host-file.js';
import { type DockerHost, localHost } from './hosts.js';

export function hostsFromConfig(config: DockerBackendConfig, network: { publishAddress: string; externalAddress: string }): DockerHost[] {
  if (config.hostsFile === undefined) return [localHost(network)];
  return createDockerHosts(readHostFile(config.hostsFile), network.publishAddress);
}

/**
 * Builds one `DockerHost` per entry. A unix address becomes `{socketPath}`; a TCP one
 * `{host, port, protocol}` (https when the entry has TLS, unless the address said http), with the
 * TLS files read now so a missing certificate stops start-up with the host and file named.
 * `readFile` is injectable for tests.
 */
export function createDockerHosts(
  entries: readonly HostFileEntry[], publishAddress: string,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): DockerHost[] {
  return entries.map((entry) => {
    const engine = parseEngineAddress(entry.dockerAddress, entry.tls !== undefined);
    if (typeof engine === 'string') throw new HostFileError(0, `host [${entry.name}]: ${engine}`);
    const options: Docker.DockerOptions = engine.kind === 'unix'
      ? { socketPath: engine.socketPath }
      : { host: engine.host, port: engine.port, protocol: engine.protocol ?? (entry.tls ? 'https' : 'http') };
    if (entry.tls) {
      const read = (what: string, path: string): Buffer => {
        try {
          return readFile(path);
        } catch (error) {
          throw new HostFileError(0, `host [${entry.name}]: cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
      };
      options.ca = read('tls_ca', entry.tls.ca);
      options.cert = read('tls_cert', entry.tls.cert);
      options.key = read('tls_key', entry.tls.key);
    }
    return {
      name: entry.name, docker: new Docker(options), externalAddress: entry.externalAddress,
      publishAddress, labels: [...entry.labels],
    };
  });
}
