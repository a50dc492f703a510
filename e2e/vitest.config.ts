// The browser journeys on their own: `npm run test:e2e`. (`npm test` runs them too, in the sqlite project.)
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['e2e/**/*.spec.ts'], testTimeout: 60_000, hookTimeout: 180_000, pool: 'forks' },
});
