/**
 * An in-process Loom app on a fresh store and a temp artifact folder, for HTTP tests: a SQLite file,
 * or a PostgreSQL schema in the vitest `postgres` project (LOOM_TEST_BACKEND=postgres).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import {
  RegistryGovernanceService,
  RegistryService,
  SqlRegistryStore,
  TrackingService,
  openArtifactDestination,
  openTrackingStore,
  type RegistryEventSink,
  type RegistryPermissions,
  type ServerConfig,
  type TrackingStore,
} from '@loom/core';
import { createTestBackend } from '@loom/core/testing';
import { createApp } from '../app';

export interface TestApp {
  app: Hono;
  dir: string;
  config: ServerConfig;
  store: TrackingStore;
  /** Sends a request; GET bodies become the query string (arrays as repeated keys). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** POST to `/api/2.0/mlflow<path>` and the parsed JSON, asserting nothing. */
  post(path: string, body: unknown): Promise<TestResponse>;
  get(path: string, query?: Record<string, unknown>): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Registry wiring a test may replace: who may do what, and where registry events go. */
export interface TestAppOptions {
  permissions?: RegistryPermissions;
  events?: RegistryEventSink;
}

export interface TestResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  text: string;
  headers: Headers;
}

function toQuery(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Opens a fresh store in a temp folder and builds the app around it. */
export async function createTestApp(
  overrides: Partial<ServerConfig> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-test-'));
  const backend = await createTestBackend(dir);
  const config: ServerConfig = {
    backendStoreUri: backend.uri,
    defaultArtifactRoot: 'mlflow-artifacts:/',
    artifactsDestination: join(dir, 'mlartifacts'),
    serveArtifacts: true,
    artifactsOnly: false,
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    ...overrides,
  };
  const store = await openTrackingStore(config.backendStoreUri, {
    defaultArtifactRoot: config.defaultArtifactRoot,
  });
  const artifacts = config.serveArtifacts
    ? await openArtifactDestination(config.artifactsDestination, config.s3)
    : undefined;
  const registry = new RegistryService(
    new SqlRegistryStore(store.db),
    store,
    undefined,
    undefined,
    options.events,
  );
  const governance = new RegistryGovernanceService(registry, options.permissions);
  const app = createApp({ tracking: new TrackingService(store), registry, governance, artifacts, config });

  const call: TestApp['call'] = async (method, path, body, headers = {}) => {
    let url = `http://localhost${path}`;
    const init: RequestInit = { method, headers: { ...headers } };
    if (method === 'GET' && body && typeof body === 'object') url += toQuery(body as Record<string, unknown>);
    else if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await app.request(url, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    app,
    dir,
    config,
    store,
    call,
    post: (path, body) => call('POST', `/api/2.0/mlflow${path}`, body),
    get: (path, query) => call('GET', `/api/2.0/mlflow${path}`, query ?? {}),
    async close() {
      await store.close();
      await backend.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
