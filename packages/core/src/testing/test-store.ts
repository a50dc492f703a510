/** A fresh tracking store on the test run's backend, in a temp folder of its own: one per test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrackingStore } from '../store/open-tracking-store';
import type { SqlTrackingStore } from '../store/sql/tracking/sql-tracking-store';
import { createTestBackend, type TestBackend } from './test-backend';

export interface TestTrackingStore {
  store: SqlTrackingStore;
  backend: TestBackend;
  /** The temp folder (the SQLite file, artifacts); removed by `close`. */
  dir: string;
  close(): Promise<void>;
}

/** Opens a new store (`prefix` names its temp folder); artifacts default to `<dir>/artifacts`. */
export async function openTestTrackingStore(
  prefix: string,
  defaultArtifactRoot?: string,
): Promise<TestTrackingStore> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const backend = await createTestBackend(dir);
  const store = await openTrackingStore(backend.uri, {
    defaultArtifactRoot: defaultArtifactRoot ?? join(dir, 'artifacts'),
  });
  return {
    store,
    backend,
    dir,
    async close() {
      await store.close();
      await backend.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
