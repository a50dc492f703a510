/** Short content hashes naming cache folders (clones, virtualenvs, node_modules). */
import { createHash } from 'node:crypto';

/** A 16-hex-digit SHA-256 of the parts, separated so ('ab','c') and ('a','bc') differ. */
export function cacheKey(...parts: ReadonlyArray<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
