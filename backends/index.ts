// Chooses the container back-end from the configuration (ZOE_BACKEND). The worker and the API
// create theirs here; nothing else names an implementation. Each implementation is loaded only
// when chosen, so a deployment never loads the client libraries of a back-end it does not use.
import type { ZoeConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { ContainerBackend } from './contract.js';

export async function createBackend(config: ZoeConfig, log: Logger): Promise<ContainerBackend> {
  const backend = config.backend;
  switch (backend.kind) {
    case 'docker': {
      const { createDockerBackend } = await import('./docker/index.js');
      return createDockerBackend({ ...config, backend }, log.child('docker'));
    }
  }
}
