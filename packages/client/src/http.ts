/**
 * The transport under every client method: JSON over `fetch` (browser or Node), MLflow's prefixes,
 * and failures rebuilt as the same `LoomError` the server threw, so callers branch on `err.code`.
 */
import { isErrorCode, LoomError, type ErrorCode } from '@loom/protocol';

/** The `fetch` the client calls; injectable so tests can route requests to an in-process app. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:5000`; `''` (the default) means same origin (the web UI). */
  baseUrl?: string;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /**
   * Sent with every request (auth, tracing). A function is asked again for each request, so a value
   * that changes while the client lives (the web UI's "acting as" user) needs no new client.
   */
  headers?: Record<string, string> | (() => Record<string, string>);
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the request; the promise then rejects with the platform's AbortError. */
  signal?: AbortSignal | undefined;
}

/** A query value: repeated keys for arrays, absent for undefined. */
export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

/** The code a non-MLflow error body gets from its HTTP status. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}

/** Rebuilds the server's error from a failed response: `{error_code, message}` when it sent one. */
export async function errorFromResponse(res: Response): Promise<LoomError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (isErrorCode(body.error_code)) {
      return new LoomError(body.error_code, typeof body.message === 'string' ? body.message : '');
    }
  } catch {
    // not JSON: a proxy's error page or a plain-text answer
  }
  const detail = text.trim().slice(0, 300);
  return new LoomError(codeForStatus(res.status), detail || `HTTP ${res.status} ${res.statusText}`.trim());
}

/** `?a=1&b=x&b=y` from a record; undefined values are left out. */
export function toQueryString(query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values: readonly (string | number | boolean)[] = Array.isArray(value) ? value : [value];
    for (const v of values) params.append(key, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Sends JSON requests to one Loom (or MLflow) server. */
export class Http {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly headers: () => Record<string, string>;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    // Bound: a bare `fetch` reference called as a method throws "Illegal invocation" in browsers.
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const headers = options.headers ?? {};
    this.headers = typeof headers === 'function' ? headers : () => headers;
  }

  /** The absolute (or same-origin) URL of `path`. */
  url(path: string, query: Record<string, QueryValue> = {}): string {
    return `${this.baseUrl}${path}${toQueryString(query)}`;
  }

  /** GET `path` with a query string and the parsed JSON answer. */
  get<T>(path: string, query: Record<string, QueryValue>, options?: CallOptions): Promise<T> {
    return this.send<T>(this.url(path, query), { method: 'GET' }, options);
  }

  /** POST a JSON body to `path` and the parsed JSON answer. */
  post<T>(path: string, body: unknown, options?: CallOptions): Promise<T> {
    return this.sendJson<T>('POST', path, body, options);
  }

  /** PATCH a JSON body to `path` (MLflow's registry updates) and the parsed JSON answer. */
  patch<T>(path: string, body: unknown, options?: CallOptions): Promise<T> {
    return this.sendJson<T>('PATCH', path, body, options);
  }

  /** DELETE with a JSON body, as MLflow's clients send registry deletions. */
  delete<T>(path: string, body: unknown, options?: CallOptions): Promise<T> {
    return this.sendJson<T>('DELETE', path, body, options);
  }

  /** PUT raw bytes to `path` (artifact uploads through the proxy). */
  async put(
    path: string,
    body: Uint8Array | string,
    contentType = 'application/octet-stream',
    options?: CallOptions,
  ): Promise<void> {
    await this.send(
      this.url(path),
      // Node's Buffer is a Uint8Array over ArrayBufferLike, which the DOM's BodyInit type does not name.
      { method: 'PUT', body: body as RequestInit['body'], headers: { 'content-type': contentType } },
      options,
    );
  }

  /** GET `path` and the raw response (for file bodies); errors are thrown as for JSON calls. */
  getRaw(path: string, query: Record<string, QueryValue>, options: CallOptions = {}): Promise<Response> {
    return this.fetchOk(this.url(path, query), { method: 'GET', headers: { accept: '*/*' } }, options);
  }

  /** GET `path` and its body as text (a file, not JSON). */
  async getText(path: string, query: Record<string, QueryValue>, options: CallOptions = {}): Promise<string> {
    return (await this.getRaw(path, query, options)).text();
  }

  private sendJson<T>(method: string, path: string, body: unknown, options?: CallOptions): Promise<T> {
    return this.send<T>(
      this.url(path),
      { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      options,
    );
  }

  private async send<T>(url: string, init: RequestInit, options: CallOptions = {}): Promise<T> {
    const res = await this.fetchOk(url, init, options);
    const text = await res.text();
    if (text.trim() === '') return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LoomError('INTERNAL_ERROR', `The server answered ${url} with invalid JSON`);
    }
  }

  /** The response of a successful request; network failures and error answers become LoomErrors. */
  private async fetchOk(url: string, init: RequestInit, options: CallOptions): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        ...init,
        headers: {
          accept: 'application/json',
          ...this.headers(),
          ...(init.headers as Record<string, string>),
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new LoomError(
        'TEMPORARILY_UNAVAILABLE',
        `Could not reach the server at ${this.baseUrl || 'this origin'}: ${(err as Error).message}`,
      );
    }
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }
}
