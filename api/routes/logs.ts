// `GET /service/logs/:id`: a service's output. While its container exists the stream follows it
// live and ends when the service ends; afterwards the copy kept at teardown is served.
// `?follow=0` returns what has been printed so far and ends at once.
import { createReadStream, existsSync } from 'node:fs';
import type { Router } from '@koa/router';
import { followContainerLogs } from '../../backends/docker/logs.js';
import { isNotFound } from '../../backends/docker/errors.js';
import { containerName } from '../../model/naming.js';
import { serviceLogFile } from '../../executions/log-files.js';
import { accountOf } from '../auth.js';
import { notFound } from '../errors.js';
import type { ApiDeps } from '../deps.js';
import { parseId } from './ids.js';
import { visibleService } from './visibility.js';

export function logRoutes(router: Router, deps: ApiDeps): void {
  router.get('/service/logs/:id', async (ctx) => {
    const id = parseId(ctx.params.id);
    const { service, execution } = await visibleService(deps, accountOf(ctx), id);
    const follow = ctx.query.follow !== '0' && ctx.query.follow !== 'false';
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    if (service.backend_host && service.backend_status === 'started') {
      const host = deps.hosts.hosts.find((h) => h.name === service.backend_host);
      const container = host?.docker.getContainer(containerName(service.name, execution.id, deps.config.deployment));
      try {
        if (host && container) {
          ctx.body = await followContainerLogs(host.docker, container, follow);
          return;
        }
      } catch (error) {
        if (!isNotFound(error)) throw error; // removed meanwhile: the kept copy below
      }
    }
    const file = serviceLogFile(deps.config.serviceLogsBase, deps.config.deployment, execution.id, service.name);
    if (!existsSync(file)) throw notFound(`the log of service ${id} (it has not started yet)`);
    ctx.body = createReadStream(file);
  });
}
