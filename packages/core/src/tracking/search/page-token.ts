/** MLflow-compatible page tokens: base64 of JSON `{"offset": N}`. Clients treat them as opaque. */
import { invalidParameter } from '@loom/protocol';

/** The token for the page starting at row `offset` (> 0). */
export function encodePageToken(offset: number): string {
  // Python's json.dumps spacing, so tokens are byte-identical to MLflow's.
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

// Standard or URL-safe alphabet, padding optional. Node's decoder silently skips anything else,
// so the token is checked before decoding.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The row offset a token encodes; 0 when there is no token. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const trimmed = token.trim();
  if (!BASE64.test(trimmed) || trimmed.replace(/=+$/, '').length % 4 === 1) {
    throw invalidParameter('Invalid page token, could not base64-decode');
  }
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=${decoded}`);
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  // MLflow's own tokens hold a number; an integer string is accepted as MLflow's int() would.
  const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidParameter(`Invalid page token, parsed value=${decoded}`);
  }
  return value;
}

/** A row's position in key order, carried in a token so the next page starts with an index seek. */
export type Cursor = number[];

// JSON has no ±Infinity (JSON.stringify writes null), and a metric value may be either.
const INFINITIES: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity };

/** A page token that also carries the key of the last row served (keyset paging). */
export function encodeCursorToken(offset: number, after: Cursor): string {
  const key = after.map((x) => (x === Infinity || x === -Infinity ? String(x) : x));
  return Buffer.from(JSON.stringify({ offset, after: key }), 'utf8').toString('base64');
}

/** The offset of a token and, when it carries one, the key of the last row served before it. */
export function decodeCursorToken(
  token: string | undefined,
  width: number,
): { offset: number; after?: Cursor } {
  const offset = decodePageToken(token);
  if (!token) return { offset };
  const after = (JSON.parse(Buffer.from(token.trim(), 'base64').toString('utf8')) as { after?: unknown })
    .after;
  if (after === undefined) return { offset };
  const key = Array.isArray(after)
    ? after.map((x: unknown) => (typeof x === 'string' ? INFINITIES[x] : x))
    : [];
  if (key.length !== width || !key.every((x) => typeof x === 'number' && !Number.isNaN(x))) {
    throw invalidParameter('Invalid page token, bad cursor');
  }
  return { offset, after: key as number[] };
}
