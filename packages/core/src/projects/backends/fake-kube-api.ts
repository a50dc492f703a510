/**
 * A local HTTP server that answers the few Kubernetes API calls the kubernetes backend makes (create
 * a Job, read its status), recording each request, plus a kubeconfig file pointing at it with a
 * bearer token. For tests: there is no cluster here, but the client's real HTTP requests are.
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeKubeApi {
  url: string;
  token: string;
  requests: RecordedRequest[];
  /** Writes a kubeconfig with contexts `fake` (namespace `ml`) and `other`; returns its path. */
  writeKubeconfig(dir: string): string;
  close(): Promise<void>;
}

/** `outcome`: the Job's final condition, reported after `pollsBeforeDone` status reads. */
export async function startFakeKubeApi(options: {
  outcome: 'Complete' | 'Failed';
  pollsBeforeDone?: number;
}): Promise<FakeKubeApi> {
  const token = 'test-token-123';
  const requests: RecordedRequest[] = [];
  const jobs = new Map<string, { job: Record<string, unknown>; reads: number }>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const body: unknown = text ? JSON.parse(text) : undefined;
      requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      const send = (code: number, payload: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { kind: 'Status', code: 401 });
      const path = new URL(req.url!, 'http://x').pathname;
      const create = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/.exec(path);
      if (create && req.method === 'POST') {
        const job = body as { metadata: { name: string } };
        jobs.set(`${create[1]}/${job.metadata.name}`, { job: job as never, reads: 0 });
        return send(201, { ...job, status: {} });
      }
      const one = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/.exec(path);
      if (one && req.method === 'DELETE' && jobs.delete(`${one[1]}/${one[2]}`)) {
        return send(200, { kind: 'Status', status: 'Success' });
      }
      const status = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)\/status$/.exec(path);
      const known = status && jobs.get(`${status[1]}/${status[2]}`);
      if (known && req.method === 'GET') {
        known.reads += 1;
        const done = known.reads > (options.pollsBeforeDone ?? 1);
        const conditions = done ? [{ type: options.outcome, status: 'True' }] : [];
        return send(200, { ...known.job, status: { active: done ? 0 : 1, conditions } });
      }
      send(404, { kind: 'Status', code: 404, message: `no route ${req.method} ${path}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token,
    requests,
    writeKubeconfig(dir) {
      const file = join(dir, 'kubeconfig');
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            // client-node sends plain HTTP only when the cluster skips TLS verification.
            { name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } },
            { name: 'nowhere', cluster: { server: 'http://127.0.0.1:1' } },
          ],
          users: [{ name: 'tester', user: { token } }],
          contexts: [
            { name: 'other', context: { cluster: 'nowhere', user: 'tester' } },
            { name: 'fake', context: { cluster: 'fake', user: 'tester', namespace: 'ml' } },
          ],
          'current-context': 'other',
        }),
      );
      return file;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
