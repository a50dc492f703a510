/**
 * A minimal loopback HTTP client for the benchmark: `node:http` with a keep-alive Agent, request
 * bodies pre-encoded by the caller, response bodies collected as one Buffer. Chosen over `fetch`
 * (undici) because its per-request overhead is smaller and steadier, which matters when the thing
 * measured is a sub-millisecond round trip.
 */
import http from 'node:http';

export interface HttpResponse {
  status: number;
  body: Buffer;
}

export class BenchClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    maxSockets = 8,
    private readonly timeoutMs = 120_000,
  ) {
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && url.hostname !== '[::1]') {
      throw new Error(`the benchmark only talks to loopback, not ${url.hostname}`);
    }
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** One request; resolves when the whole response body has arrived. */
  request(method: 'GET' | 'POST', path: string, body?: Buffer): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      if (body) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = body.length;
      }
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`${method} ${path}: no answer in ${this.timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POST a pre-encoded JSON body; throws unless the answer is 200. */
  async post(path: string, body: Buffer): Promise<Buffer> {
    const res = await this.request('POST', path, body);
    if (res.status !== 200)
      throw new Error(`POST ${path} -> ${res.status}: ${res.body.toString().slice(0, 300)}`);
    return res.body;
  }

  /** GET; throws unless the answer is 200. */
  async get(path: string): Promise<Buffer> {
    const res = await this.request('GET', path);
    if (res.status !== 200)
      throw new Error(`GET ${path} -> ${res.status}: ${res.body.toString().slice(0, 300)}`);
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** JSON text as a Buffer, ready to send. */
export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
