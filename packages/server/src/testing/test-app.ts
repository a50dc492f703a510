/**
 * An in-process Loom app on a fresh store and a temp artifact folder, for HTTP tests: a SQLite file,
 * or a PostgreSQL schema in the vitest `postgres` project (LOOM_TEST_BACKEND=postgres).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import {
  DEFAULT_WEBHOOK_SETTINGS,
  type AuthConfig,
  RegistryGovernanceService,
  type RegistryEventSink,
  type RegistryPermissions,
  type RegistryServiceOptions,
  type ServerConfig,
  type TrackingStore,
  type WebhookRuntime,
  type WebhookSettings,
} from '@loom/core';
import { createTestBackend } from '@loom/core/testing';
import { createApp } from '../app';
import { openServices, type Services } from '../services';

export interface TestApp {
  app: Hono;
  dir: string;
  config: ServerConfig;
  store: TrackingStore;
  services: Services;
  /** The app's webhook service and dispatcher (stopped by `close`). */
  webhooks: WebhookRuntime;
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
  /** Registry events go here instead of the webhooks' outbox. */
  events?: RegistryEventSink;
  registry?: Omit<RegistryServiceOptions, 'files' | 'events'>;
  /** Runs the basic-auth app with this configuration; approvals then use its model permissions. */
  auth?: AuthConfig;
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

/** Webhooks for tests: http receivers on loopback, a shared key, and retries in milliseconds. */
export const TEST_WEBHOOK_SETTINGS: WebhookSettings = Object.freeze({
  ...DEFAULT_WEBHOOK_SETTINGS,
  allowedSchemes: Object.freeze(['http', 'https']),
  encryptionKey: 'loom-test-webhook-key',
  requestTimeoutMs: 5_000,
  backoffBaseMs: 20,
  pollIntervalMs: 25,
});

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
    webhooks: TEST_WEBHOOK_SETTINGS,
    ...(options.auth ? { auth: options.auth } : {}),
    ...overrides,
  };
  const services = await openServices(config, {
    ...options.registry,
    ...(options.events ? { events: options.events } : {}),
  });
  const { store, tracking, registry, artifacts, webhooks } = services;
  const governance = new RegistryGovernanceService(
    registry,
    services.auth ? services.auth.registryPermissions() : options.permissions,
  );
  const app = createApp({
    auth: services.auth,
    tracking,
    registry,
    governance,
    artifacts,
    webhooks: webhooks.service,
    config,
  });

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
    services,
    webhooks,
    call,
    post: (path, body) => call('POST', `/api/2.0/mlflow${path}`, body),
    get: (path, query) => call('GET', `/api/2.0/mlflow${path}`, query ?? {}),
    async close() {
      await services.close();
      await backend.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
