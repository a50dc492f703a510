/**
 * A version's activity history as the version page shows it: what each entry says, which requests are
 * open, what the caller may do (the server's `available_actions`), and the history filter in the URL.
 */
import type { TransitionRequestRef } from '@loom/client';
import type { ActivityJson } from '@loom/protocol';

/** `@champion` for alias requests, the stage name otherwise. */
export function targetLabel(a: ActivityJson): string {
  if (a.alias) return `@${a.alias}`;
  return a.to_stage ?? '?';
}

const STATUS_TEXT: Record<string, string> = {
  OPEN: 'pending',
  APPROVED: 'approved',
  REJECTED: 'rejected',
  CANCELLED: 'cancelled',
};

/** One line saying who did what, e.g. "bob approved the request to move to @champion". */
export function describeActivity(a: ActivityJson): string {
  const who = a.user_id || 'anonymous';
  const target = targetLabel(a);
  switch (a.activity_type) {
    case 'REQUESTED_TRANSITION': {
      const status = a.request_status ? ` (${STATUS_TEXT[a.request_status] ?? a.request_status})` : '';
      return `${who} requested a move to ${target}${status}`;
    }
    case 'APPROVED_REQUEST':
      return `${who} approved the request to move to ${target}`;
    case 'REJECTED_REQUEST':
      return `${who} rejected the request to move to ${target}`;
    case 'CANCELLED_REQUEST':
      return `${who} cancelled the request to move to ${target}`;
    case 'APPLIED_TRANSITION':
      return a.alias
        ? `${who} pointed @${a.alias} at this version`
        : `${who} moved this version from ${a.from_stage ?? '?'} to ${target}`;
    case 'SYSTEM_TRANSITION':
      return `Moved from ${a.from_stage ?? '?'} to ${target} automatically`;
    case 'NEW_COMMENT':
      return `${who} commented`;
    default:
      return `${who}: ${a.activity_type}`;
  }
}

/** Newest first; ties (one transaction writes several rows at the same millisecond) by id, newest first. */
export function newestFirst(activities: readonly ActivityJson[]): ActivityJson[] {
  return [...activities].sort(
    (x, y) => y.creation_timestamp - x.creation_timestamp || Number(y.id) - Number(x.id),
  );
}

/** The requests still waiting for a decision, oldest first (as they queue). */
export function openRequests(activities: readonly ActivityJson[]): ActivityJson[] {
  return activities.filter((a) => a.activity_type === 'REQUESTED_TRANSITION' && a.request_status === 'OPEN');
}

/** What the caller may do with an activity, from the server's `available_actions`. */
export interface ActivityActions {
  approve: boolean;
  reject: boolean;
  cancel: boolean;
  edit: boolean;
  delete: boolean;
}

export function activityActions(a: ActivityJson): ActivityActions {
  const can = new Set(a.available_actions ?? []);
  return {
    approve: can.has('APPROVE_TRANSITION_REQUEST'),
    reject: can.has('REJECT_TRANSITION_REQUEST'),
    cancel: can.has('CANCEL_TRANSITION_REQUEST'),
    edit: can.has('EDIT_COMMENT'),
    delete: can.has('DELETE_COMMENT'),
  };
}

/** The address of a request for approve/reject/cancel: its version and its target. */
export function requestRef(name: string, version: string, a: ActivityJson): TransitionRequestRef {
  return a.alias ? { name, version, alias: a.alias } : { name, version, stage: a.to_stage ?? '' };
}

/** Approving a stage request must say whether the stage's other versions are archived. */
export const approvalNeedsArchiveChoice = (a: ActivityJson): boolean => !a.alias && a.to_stage !== undefined;

export const HISTORY_FILTERS = ['all', 'requests', 'moves', 'comments'] as const;
export type HistoryFilter = (typeof HISTORY_FILTERS)[number];

/** The `history` query parameter; anything unknown is `all`. */
export function parseHistoryFilter(value: string | null): HistoryFilter {
  return (HISTORY_FILTERS as readonly string[]).includes(value ?? '') ? (value as HistoryFilter) : 'all';
}

const FILTER_TYPES: Record<Exclude<HistoryFilter, 'all'>, readonly string[]> = {
  requests: ['REQUESTED_TRANSITION', 'APPROVED_REQUEST', 'REJECTED_REQUEST', 'CANCELLED_REQUEST'],
  moves: ['APPLIED_TRANSITION', 'SYSTEM_TRANSITION'],
  comments: ['NEW_COMMENT'],
};

/** The entries a filter keeps. */
export function filterHistory(activities: readonly ActivityJson[], filter: HistoryFilter): ActivityJson[] {
  if (filter === 'all') return [...activities];
  const types = FILTER_TYPES[filter];
  return activities.filter((a) => types.includes(a.activity_type));
}

/** Aliases typed as "champion, @challenger prod": split on commas and spaces, `@` and duplicates dropped. */
export function parseAliasList(input: string): string[] {
  const names = input
    .split(/[\s,]+/)
    .map((s) => s.replace(/^@/, ''))
    .filter(Boolean);
  return [...new Set(names)];
}
