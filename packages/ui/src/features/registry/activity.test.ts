import { describe, expect, it } from 'vitest';
import type { ActivityJson } from '@loom/protocol';
import {
  activityActions,
  approvalNeedsArchiveChoice,
  describeActivity,
  filterHistory,
  newestFirst,
  openRequests,
  parseAliasList,
  parseHistoryFilter,
  requestRef,
} from './activity';

const at = (over: Partial<ActivityJson>): ActivityJson => ({
  id: '1',
  creation_timestamp: 1000,
  last_updated_timestamp: 1000,
  user_id: 'alice',
  activity_type: 'NEW_COMMENT',
  ...over,
});

describe('describeActivity', () => {
  it('says who did what to which target', () => {
    expect(
      describeActivity(
        at({ activity_type: 'REQUESTED_TRANSITION', alias: 'champion', request_status: 'OPEN' }),
      ),
    ).toBe('alice requested a move to @champion (pending)');
    expect(
      describeActivity(
        at({ activity_type: 'REQUESTED_TRANSITION', to_stage: 'Staging', request_status: 'REJECTED' }),
      ),
    ).toBe('alice requested a move to Staging (rejected)');
    expect(
      describeActivity(at({ activity_type: 'APPROVED_REQUEST', user_id: 'bob', alias: 'champion' })),
    ).toBe('bob approved the request to move to @champion');
    expect(
      describeActivity(at({ activity_type: 'REJECTED_REQUEST', user_id: 'bob', to_stage: 'Production' })),
    ).toBe('bob rejected the request to move to Production');
    expect(describeActivity(at({ activity_type: 'CANCELLED_REQUEST', to_stage: 'Staging' }))).toBe(
      'alice cancelled the request to move to Staging',
    );
    expect(
      describeActivity(at({ activity_type: 'APPLIED_TRANSITION', from_stage: 'None', to_stage: 'Staging' })),
    ).toBe('alice moved this version from None to Staging');
    expect(
      describeActivity(at({ activity_type: 'APPLIED_TRANSITION', from_stage: 'None', alias: 'champion' })),
    ).toBe('alice pointed @champion at this version');
    expect(
      describeActivity(
        at({ activity_type: 'SYSTEM_TRANSITION', from_stage: 'Staging', to_stage: 'Archived' }),
      ),
    ).toBe('Moved from Staging to Archived automatically');
    expect(describeActivity(at({ activity_type: 'NEW_COMMENT', user_id: '' }))).toBe('anonymous commented');
    expect(describeActivity(at({ activity_type: 'SOMETHING_NEW' }))).toBe('alice: SOMETHING_NEW');
  });
});

describe('ordering and open requests', () => {
  const history = [
    at({
      id: '2',
      creation_timestamp: 10,
      activity_type: 'REQUESTED_TRANSITION',
      request_status: 'APPROVED',
    }),
    at({ id: '3', creation_timestamp: 20, activity_type: 'APPROVED_REQUEST' }),
    at({ id: '4', creation_timestamp: 20, activity_type: 'APPLIED_TRANSITION' }),
    at({ id: '5', creation_timestamp: 30, activity_type: 'REQUESTED_TRANSITION', request_status: 'OPEN' }),
    at({ id: '10', creation_timestamp: 40 }),
  ];

  it('puts the newest first and breaks same-millisecond ties by id (numerically)', () => {
    expect(newestFirst(history).map((a) => a.id)).toEqual(['10', '5', '4', '3', '2']);
    expect(history[0]!.id).toBe('2');
  });

  it('keeps only requests still open', () => {
    expect(openRequests(history).map((a) => a.id)).toEqual(['5']);
  });

  it('filters by kind, with unknown filters meaning all', () => {
    expect(parseHistoryFilter('moves')).toBe('moves');
    expect(parseHistoryFilter('bogus')).toBe('all');
    expect(parseHistoryFilter(null)).toBe('all');
    expect(filterHistory(history, 'requests').map((a) => a.id)).toEqual(['2', '3', '5']);
    expect(filterHistory(history, 'moves').map((a) => a.id)).toEqual(['4']);
    expect(filterHistory(history, 'comments').map((a) => a.id)).toEqual(['10']);
    expect(filterHistory(history, 'all')).toHaveLength(5);
  });
});

describe('actions and request addresses', () => {
  it('reads what the server allows the caller', () => {
    expect(activityActions(at({ available_actions: ['CANCEL_TRANSITION_REQUEST'] }))).toEqual({
      approve: false,
      reject: false,
      cancel: true,
      edit: false,
      delete: false,
    });
    expect(
      activityActions(
        at({
          available_actions: ['APPROVE_TRANSITION_REQUEST', 'REJECT_TRANSITION_REQUEST', 'DELETE_COMMENT'],
        }),
      ),
    ).toEqual({ approve: true, reject: true, cancel: false, edit: false, delete: true });
    expect(activityActions(at({}))).toEqual({
      approve: false,
      reject: false,
      cancel: false,
      edit: false,
      delete: false,
    });
  });

  it('addresses a request by alias or by stage, and asks about archiving for stages only', () => {
    const alias = at({ activity_type: 'REQUESTED_TRANSITION', alias: 'champion' });
    const stage = at({ activity_type: 'REQUESTED_TRANSITION', to_stage: 'Production' });
    expect(requestRef('m', '3', alias)).toEqual({ name: 'm', version: '3', alias: 'champion' });
    expect(requestRef('m', '3', stage)).toEqual({ name: 'm', version: '3', stage: 'Production' });
    expect(approvalNeedsArchiveChoice(alias)).toBe(false);
    expect(approvalNeedsArchiveChoice(stage)).toBe(true);
  });
});

describe('parseAliasList', () => {
  it('splits on commas and spaces, drops @ and duplicates', () => {
    expect(parseAliasList(' champion, @challenger  prod,champion ')).toEqual([
      'champion',
      'challenger',
      'prod',
    ]);
    expect(parseAliasList('  ')).toEqual([]);
  });
});
