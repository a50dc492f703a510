/** The only file that opens a port: starts Loom's HTTP server on a store and stops it cleanly. */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { ServerConfig } from '@loom/core';
import { createApp } from './app';
import { openServices } from './services';
import { DEFAULT_UI_DIR } from './routes/ui';

export interface RunningServer {
  /** The bound port (useful with port 0). */
  port: number;
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish, stops webhook delivery (pending
   * deliveries stay in the outbox for the next server), then closes the store.
   */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is already in use`)
          : err.code === 'EACCES'
            ? new Error(`no permission to listen on ${host}:${port}`)
            : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
  });
}

export interface StartOptions {
  uiDir?: string | undefined;
  /**
   * Adds `X-Loom-Worker-Pid: <pid>` to every response, so tests (and anyone debugging a load
   * balancer) can see which process of a `--workers N` server answered.
   */
  identifyProcess?: boolean | undefined;
}

/**
 * Opens the store named by `config`, serves the app (and the built UI in `uiDir`, by default
 * `packages/ui/dist` when it exists), and resolves once it is listening.
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const services = await openServices(config);
  const app = createApp({
    tracking: services.tracking,
    registry: services.registry,
    artifacts: services.artifacts,
    webhooks: services.webhooks.service,
    auth: services.auth,
    config,
    uiDir: options.uiDir ?? DEFAULT_UI_DIR,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
  // Long uploads and downloads must not be cut off by Node's default request timeout.
  server.requestTimeout = 0;
  if (options.identifyProcess) {
    // Before the app's listener: headers set here are merged into whatever the app writes.
    server.prependListener('request', (_req, res) => res.setHeader('x-loom-worker-pid', String(process.pid)));
  }
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (err) {
    await services.close();
    throw err;
  }
  // Versions a stopped server left PENDING_REGISTRATION get their files now, in the background.
  void services.registry.resumePendingRegistrations().catch((err: unknown) => {
    console.error(`loom: could not resume pending registrations: ${(err as Error).message}`);
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(() => services.close());
      return closing;
    },
  };
}
