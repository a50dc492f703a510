/**
 * A `fetch` for Node scripts over `node:http(s)` with keep-alive agents. Training scripts send
 * thousands of small log-batch requests; on loopback undici's `fetch` costs several times more per
 * request than `node:http` (bench/sdk.ts measures the difference), which would make logging cost
 * more than the server's ingest. Loaded lazily, so browsers never see `node:http`.
 */
import type * as NodeHttp from 'node:http';
import type { FetchLike } from '../http';

type HttpModule = typeof NodeHttp;

/** Whether this is Node (where `node:http` exists). */
export const isNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** A FetchLike that keeps connections open between requests; one agent per protocol. */
export function keepAliveFetch(): FetchLike {
  let modules: Promise<{ http: HttpModule; https: HttpModule }> | undefined;
  const agents = new Map<string, NodeHttp.Agent>();
  return async (input, init = {}) => {
    modules ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => ({
      http,
      https: https as unknown as HttpModule,
    }));
    const { http, https } = await modules;
    const url = new URL(input);
    const lib = url.protocol === 'https:' ? https : http;
    let agent = agents.get(url.protocol);
    if (!agent) {
      agent = new lib.Agent({ keepAlive: true, maxSockets: 8 });
      agents.set(url.protocol, agent);
    }
    const body = init.body as string | Uint8Array | null | undefined;
    return new Promise<Response>((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string> | undefined,
          agent,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
            }
            // A Response for these statuses may not carry a body.
            const empty = status === 204 || status === 304 || chunks.length === 0;
            resolve(
              new Response(empty ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  };
}
