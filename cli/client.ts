// A small REST client for the Zoe API 0.7. It logs in once with `GET /login` and then sends the
// session cookie, as the original CLI did. Connection failures are retried with exponential
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
  /** The session cookie `GET /login` handed out; later calls send it instead of the password. */
  private session: Promise<string | undefined> | undefined;

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

  /**
   * The raw response, for streams (logs). As the original CLI did, the first call logs in with
   * `GET /login` (HTTP Basic) and every call then sends the session cookie; a cookie that has
   * stopped working (expired, password changed) is replaced by logging in again, once.
   */
  async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const cookie = await this.login(false);
    const response = await this.fetch(method, path, body, cookie === undefined ? this.basic() : { cookie }, signal);
    if (response.status !== 401 || cookie === undefined) return response;
    await response.body?.cancel();
    const renewed = await this.login(true);
    return this.fetch(method, path, body, renewed === undefined ? this.basic() : { cookie: renewed }, signal);
  }

  /** `zoe=<value>` from `GET /login`; undefined when the server sets none (HTTP Basic on every call, then). */
  private login(again: boolean): Promise<string | undefined> {
    if (again || this.session === undefined) {
      this.session = (async () => {
        const response = await this.fetch('GET', '/login', undefined, this.basic());
        if (!response.ok) {
          const text = await response.text();
          throw apiError(response, text ? (JSON.parse(text) as ApiErrorBody) : undefined);
        }
        await response.body?.cancel();
        const cookie = response.headers.getSetCookie().map((c) => /^zoe=([^;]*)/.exec(c)?.[1]).find((v) => v !== undefined);
        return cookie === undefined ? undefined : `zoe=${cookie}`;
      })();
      // A failed login is not remembered: the next call tries again (and reports its own error).
      this.session.catch(() => (this.session = undefined));
    }
    return this.session;
  }

  private basic(): Record<string, string> {
    return { authorization: `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.pass}`).toString('base64')}` };
  }

  private async fetch(method: string, path: string, body: unknown, auth: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { ...auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
      } catch (error) {
        if (signal?.aborted) throw error;
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
