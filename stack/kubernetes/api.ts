// The few calls to the cluster's API the installer and the smoke script make (readiness, pods, logs),
// over Node's https with the cluster's CA verified and the admin token; no client library needed.
// The Kubernetes back-end itself will use @kubernetes/client-node with the kubeconfig.
import { request } from 'node:https';

export interface ApiAccess {
  /** https://127.0.0.1:<port> */
  server: string;
  token: string;
  caPem: string;
}

export interface ApiResponse {
  status: number;
  text: string;
}

export function kubeApi(access: ApiAccess, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<ApiResponse> {
  const url = new URL(path, access.server);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      ca: access.caPem,
      timeout: timeoutMs,
      headers: {
        authorization: `Bearer ${access.token}`,
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like kubeApi, but any status outside 2xx (except those allowed) is an error naming the call. */
export async function kubeJson<T>(access: ApiAccess, method: string, path: string, body?: unknown, allow: number[] = []): Promise<T> {
  const response = await kubeApi(access, method, path, body);
  if ((response.status < 200 || response.status > 299) && !allow.includes(response.status)) {
    throw new Error(`${method} ${path}: HTTP ${response.status}: ${response.text.slice(0, 500)}`);
  }
  return (response.text ? JSON.parse(response.text) : {}) as T;
}
