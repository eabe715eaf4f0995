// The container hosts of this deployment: the original's INI host file (ZOE_HOSTS_FILE), or the
// single local engine (DOCKER_HOST or the default socket) when none is configured.
import type { ZoeConfig } from '../../config/config.js';
import { createDockerHosts, readHostFile } from './host-file.js';
import { HostRegistry, localHost } from './hosts.js';

export function hostsFromConfig(config: ZoeConfig): HostRegistry {
  if (config.hostsFile === undefined) return new HostRegistry([localHost(config.network)]);
  return new HostRegistry(createDockerHosts(readHostFile(config.hostsFile), config.network.publishAddress));
}
