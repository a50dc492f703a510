/** Loom's registry audit log (`/api/2.0/loom/registry/audit-log`): every registry change, newest first. */
import type { AuditEntryJson } from '@loom/protocol';
import type { CallOptions, Http } from './http';

export interface GetRegistryAuditLogArgs {
  /** Only this registered model's changes. */
  name?: string | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface RegistryAuditLogPage {
  entries: AuditEntryJson[];
  /** Absent on the last page. */
  nextPageToken: string | undefined;
}

/** One page of the registry audit log. */
export async function getRegistryAuditLog(
  http: Http,
  args: GetRegistryAuditLogArgs = {},
  options?: CallOptions,
): Promise<RegistryAuditLogPage> {
  const res = await http.get<{ entries?: AuditEntryJson[]; next_page_token?: string }>(
    '/api/2.0/loom/registry/audit-log',
    { name: args.name || undefined, max_results: args.maxResults, page_token: args.pageToken || undefined },
    options,
  );
  return { entries: res.entries ?? [], nextPageToken: res.next_page_token || undefined };
}
