/**
 * A test app with the governance test policy (alice edits, bob manages, carol reads) and a recorder
 * of registry events, plus request helpers that call as a named user over HTTP Basic.
 */
import {
  LOOM_REGISTRY_EVENTS,
  tablePermissions,
  type RegistryEvent,
  type RegistryEventName,
  type RegistryEventSink,
} from '@loom/core';
import { createTestApp, type TestApp, type TestResponse } from './test-app';

export type User = 'alice' | 'bob' | 'carol' | 'dave' | 'anonymous';

/** The permission table of the governance tests; dave and anyone else has none. */
export const TEST_POLICY = tablePermissions({ alice: 'EDIT', bob: 'MANAGE', carol: 'READ' });

export interface GovernanceHarness {
  t: TestApp;
  events: RegistryEvent[];
  /** Loom's governance events recorded so far, oldest first (MLflow's own events left out). */
  loomEvents(): { name: RegistryEventName; data: Record<string, unknown>; user?: string | undefined }[];
  /** A request to `/api/2.0/mlflow<path>` as `user`. */
  mlflow(user: User, method: string, path: string, body?: unknown): Promise<TestResponse>;
  /** A request to `/api/2.0/loom<path>` as `user`. */
  loom(user: User, method: string, path: string, body?: unknown): Promise<TestResponse>;
}

const basic = (user: User): Record<string, string> =>
  user === 'anonymous' ? {} : { authorization: `Basic ${Buffer.from(`${user}:secret`).toString('base64')}` };

/** Opens the app; close it with `h.t.close()`. */
export async function createGovernanceHarness(): Promise<GovernanceHarness> {
  const events: RegistryEvent[] = [];
  // Recorded as the store writes them, inside each change's transaction.
  const recorder: RegistryEventSink = {
    write: (_tx, written) => {
      events.push(...written);
      return Promise.resolve(false);
    },
    committed() {},
  };
  const t = await createTestApp({}, { permissions: TEST_POLICY, events: recorder });
  const loomNames = new Set<string>(LOOM_REGISTRY_EVENTS);
  return {
    t,
    events,
    loomEvents: () =>
      events.filter((e) => loomNames.has(e.name)).map((e) => ({ name: e.name, data: e.data, user: e.user })),
    mlflow: (user, method, path, body) => t.call(method, `/api/2.0/mlflow${path}`, body, basic(user)),
    loom: (user, method, path, body) => t.call(method, `/api/2.0/loom${path}`, body, basic(user)),
  };
}
