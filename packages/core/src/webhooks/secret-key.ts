/**
 * Where the key for webhook secrets comes from. `MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY` wins. Without
 * it, a SQLite store gets a random key in a file beside the database (`<db>.webhook-key`, mode 0600),
 * created on first use, so secrets survive restarts and a copy of the database alone does not reveal
 * them. A PostgreSQL store has no such place that every server shares, so it gets no key: webhooks
 * without secrets work, and setting a secret is refused with a message naming the variable.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sqlitePath } from '../store/open-tracking-store';
import { SecretBox } from './secret-box';

/** The secret box for a store, or undefined when secrets cannot be kept safely (see above). */
export function openSecretBox(
  encryptionKey: string | undefined,
  backendStoreUri: string,
  cwd = process.cwd(),
): SecretBox | undefined {
  if (encryptionKey) return new SecretBox(encryptionKey);
  if (!backendStoreUri.startsWith('sqlite:')) return undefined;
  const file = `${sqlitePath(backendStoreUri, cwd)}.webhook-key`;
  if (!existsSync(file)) {
    try {
      // 'wx': two processes starting at once must not overwrite each other's key.
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    chmodSync(file, 0o600);
  }
  return new SecretBox(readFileSync(file, 'utf8').trim());
}
