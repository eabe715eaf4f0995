// Endpoint URLs: each published port's `url_template` filled with the host's external address
// and the published port. Only ports that are published right now are listed.
import type { ExecutionRow, PortRow } from './repository.js';
import { expandInstances, portUrl } from '../zapps/instances.js';

export type Endpoint = [name: string, url: string, proxyUrl: string | null];

export function endpointsOf(row: ExecutionRow, owner: string, ports: Array<PortRow & { service_name: string }>, deployment: string): Endpoint[] {
  const specs = new Map(expandInstances(row.description).map((s) => [s.instance, s]));
  const ctx = { executionId: row.id, executionName: row.name, userName: owner, uid: 0, gid: 0, deployment };
  const endpoints: Endpoint[] = [];
  for (const port of ports) {
    const spec = specs.get(port.service_name);
    if (!spec || port.external_ip === null || port.external_port === null) continue;
    const url = portUrl(spec, port.description as Parameters<typeof portUrl>[1], ctx, { ipPort: `${port.external_ip}:${port.external_port}` });
    endpoints.push([port.description.name, url, null]);
  }
  return endpoints;
}
