/** Small request/response helpers shared by the tracking routes. */
import type { KeyValue } from '@loom/core';

/** Wire key/value pairs (both fields optional in proto2) as domain pairs. */
export function keyValues(
  items: readonly { key?: string | undefined; value?: string | undefined }[],
): KeyValue[] {
  return items.map((t) => ({ key: t.key ?? '', value: t.value ?? '' }));
}

/** A search answer: the list under `field` and the next page token, each omitted when empty. */
export function pageBody<T>(field: string, items: readonly T[], nextPageToken: string | undefined): object {
  return {
    ...(items.length > 0 ? { [field]: items } : {}),
    ...(nextPageToken ? { next_page_token: nextPageToken } : {}),
  };
}

/**
 * A search answer whose list is JSON text the store already wrote, given in pieces (strings, or UTF-8
 * bytes the store never decoded); bytes when any piece is bytes.
 */
export function pageJsonText(
  field: string,
  listJson: string | readonly (string | Buffer)[],
  count: number,
  nextPageToken: string | undefined,
): string | Buffer<ArrayBuffer> {
  const pieces: (string | Buffer)[] = ['{'];
  if (count > 0)
    pieces.push(`${JSON.stringify(field)}:`, ...(typeof listJson === 'string' ? [listJson] : listJson));
  if (nextPageToken) pieces.push(`${count > 0 ? ',' : ''}"next_page_token":${JSON.stringify(nextPageToken)}`);
  pieces.push('}');
  if (pieces.every((p) => typeof p === 'string')) return pieces.join('');
  // A fresh buffer over a plain ArrayBuffer (Hono's body type).
  return Buffer.concat(
    pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)),
  ) as Buffer<ArrayBuffer>;
}
