/** The only file that opens a port: starts Loom's HTTP server on a store and stops it cleanly. */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import {
  RegistryService,
  SqlRegistryStore,
  TrackingService,
  openArtifactDestination,
  type ArtifactRepository,
  openTrackingStore,
  type ServerConfig,
} from '@loom/core';
import { createApp } from './app';
import { DEFAULT_UI_DIR } from './routes/ui';

export interface RunningServer {
  /** The bound port (useful with port 0). */
  port: number;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the store. */
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

/**
 * Opens the store named by `config`, serves the app (and the built UI in `uiDir`, by default
 * `packages/ui/dist` when it exists), and resolves once it is listening.
 */
export async function startServer(
  config: ServerConfig,
  options: { uiDir?: string | undefined } = {},
): Promise<RunningServer> {
  // Checked first: an unreachable bucket is a one-line error with nothing opened yet.
  const artifacts: ArtifactRepository | undefined = config.serveArtifacts
    ? await openArtifactDestination(config.artifactsDestination, config.s3)
    : undefined;
  const store = await openTrackingStore(config.backendStoreUri, {
    defaultArtifactRoot: config.defaultArtifactRoot,
    postgres: { poolSize: config.poolSize },
  });
  const app = createApp({
    tracking: new TrackingService(store),
    registry: new RegistryService(new SqlRegistryStore(store.db), store),
    artifacts,
    config,
    uiDir: options.uiDir ?? DEFAULT_UI_DIR,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
  // Long uploads and downloads must not be cut off by Node's default request timeout.
  server.requestTimeout = 0;
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (err) {
    await store.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(() => store.close());
      return closing;
    },
  };
}
