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

/** A search answer whose list is JSON text the store already wrote. */
export function pageJsonText(
  field: string,
  listJson: string,
  count: number,
  nextPageToken: string | undefined,
): string {
  const parts: string[] = [];
  if (count > 0) parts.push(`${JSON.stringify(field)}:${listJson}`);
  if (nextPageToken) parts.push(`"next_page_token":${JSON.stringify(nextPageToken)}`);
  return `{${parts.join(',')}}`;
}
