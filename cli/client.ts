// A small REST client for the Zoe API 0.7. Connection failures are retried with exponential
// back-off (3 s, 6 s, 12 s, 24 s, as the original CLI did); API errors surface with the server's
// JSON message.
import { CliError } from './errors.js';
import type { Credentials } from './credentials.js';

export interface ApiErrorBody {
  error?: { code?: string; message?: string; field?: string; details?: { errors?: Array<{ path: string; message: string }> } };
}

export class ApiError extends CliError {
  constructor(readonly status: number, readonly body: ApiErrorBody, message: string) {
    super(message, 1);
  }
}

export class ZoeClient {
  constructor(private readonly credentials: Credentials, private readonly retryDelaysMs = [3_000, 6_000, 12_000, 24_000]) {}

  get baseUrl(): string {
    return `${this.credentials.url}/api/0.7`;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) throw apiError(response, parsed as ApiErrorBody | undefined);
    return parsed as T;
  }

  /** The raw response, for streams (logs). */
  async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.pass}`).toString('base64')}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) {
          throw new CliError(`cannot reach Zoe at ${this.credentials.url} (${causeOf(error)}); is it running? (\`npm start\`)`);
        }
        process.stderr.write(`zoe: ${this.credentials.url} does not answer (${causeOf(error)}); retrying in ${delay / 1000}s…\n`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function apiError(response: Response, body: ApiErrorBody | undefined): ApiError {
  const message = body?.error?.message ?? (response.statusText || `HTTP ${response.status}`);
  const hint = response.status === 401 ? ' (check ZOE_USER/ZOE_PASS or ~/.zoerc)' : '';
  return new ApiError(response.status, body ?? {}, `${message}${hint}`);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
