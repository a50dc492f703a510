/** Small request/response helpers shared by the tracking routes. */
import { joinJsonText, type JsonText, type KeyValue } from '@loom/core';

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
  listJson: readonly JsonText[],
  count: number,
  nextPageToken: string | undefined,
): string | Buffer<ArrayBuffer> {
  const pieces: JsonText[] = ['{'];
  if (count > 0) pieces.push(`${JSON.stringify(field)}:`, ...listJson);
  if (nextPageToken) pieces.push(`${count > 0 ? ',' : ''}"next_page_token":${JSON.stringify(nextPageToken)}`);
  pieces.push('}');
  // Bytes are a fresh buffer over a plain ArrayBuffer (Hono's body type).
  return joinJsonText(pieces) as string | Buffer<ArrayBuffer>;
}
