import type { ActivityJson, AuditEntryJson } from '@loom/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGovernanceHarness, type GovernanceHarness, type User } from '../testing/governance-harness';
import type { TestResponse } from '../testing/test-app';

const commentOf = (v: unknown) => (v as { comment?: string } | undefined)?.comment;

let h: GovernanceHarness;
beforeEach(async () => {
  h = await createGovernanceHarness();
  expect((await h.mlflow('alice', 'POST', '/registered-models/create', { name: 'm' })).status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const v = await h.mlflow('alice', 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' });
    expect(v.status).toBe(200);
  }
});
afterEach(async () => {
  await h.t.close();
});

async function ok(res: Promise<TestResponse>) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function denied(res: Promise<TestResponse>, message: RegExp) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(403);
  expect(r.body.error_code).toBe('PERMISSION_DENIED');
  expect(r.body.message).toMatch(message);
}

const stageOf = async (version: string) =>
  (await ok(h.mlflow('carol', 'GET', '/model-versions/get', { name: 'm', version }))).model_version
    .current_stage;

const activities = async (user: User, version: string): Promise<ActivityJson[]> =>
  (await ok(h.loom(user, 'GET', '/model-versions/activities', { name: 'm', version }))).activities ?? [];

const protect = (user: User, body: Record<string, unknown>) =>
  h.loom(user, 'POST', '/registered-models/protections', { name: 'm', ...body });

describe('transition requests', () => {
  it('takes a request to a protected stage through approval, with activities, audit rows and events', async () => {
    await ok(
      h.mlflow('bob', 'POST', '/model-versions/transition-stage', {
        name: 'm',
        version: '1',
        stage: 'production',
      }),
    );
    const set = await ok(protect('bob', { stages: ['production'], aliases: ['champion'] }));
    expect(set.protections).toEqual({
      name: 'm',
      stages: ['Production'],
      aliases: ['champion'],
      require_distinct_approver: true,
    });

    // Nobody moves a version to Production directly any more, not even a manager.
    const direct = { name: 'm', version: '2', stage: 'Production', archive_existing_versions: true };
    await denied(
      h.mlflow('alice', 'POST', '/model-versions/transition-stage', direct),
      /transition-requests\/create/,
    );
    await denied(h.mlflow('bob', 'POST', '/databricks/model-versions/transition-stage', direct), /protected/);

    const created = await ok(
      h.mlflow('alice', 'POST', '/transition-requests/create', {
        name: 'm',
        version: '2',
        stage: 'PRODUCTION',
        comment: 'ready for prod',
      }),
    );
    expect(created.request).toEqual({
      id: expect.any(String),
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: created.request.creation_timestamp,
      user_id: 'alice',
      activity_type: 'REQUESTED_TRANSITION',
      from_stage: 'None',
      to_stage: 'Production',
      comment: 'ready for prod',
      request_status: 'OPEN',
      available_actions: ['CANCEL_TRANSITION_REQUEST'],
    });

    const listed = (user: User) =>
      h.mlflow(user, 'GET', '/transition-requests/list', { name: 'm', version: '2' });
    expect((await ok(listed('bob'))).requests.map((r: ActivityJson) => [r.id, r.available_actions])).toEqual([
      [
        created.request.id,
        ['APPROVE_TRANSITION_REQUEST', 'REJECT_TRANSITION_REQUEST', 'CANCEL_TRANSITION_REQUEST'],
      ],
    ]);
    expect((await ok(listed('carol'))).requests[0].available_actions).toBeUndefined();
    await denied(listed('dave'), /dave/);

    const approve = {
      name: 'm',
      version: '2',
      stage: 'Production',
      archive_existing_versions: true,
      comment: 'lgtm',
    };
    await denied(h.mlflow('carol', 'POST', '/transition-requests/approve', approve), /carol.*manage/);
    await denied(h.mlflow('alice', 'POST', '/transition-requests/approve', approve), /alice/);
    expect(await stageOf('2')).toBe('None');

    const approved = await ok(h.mlflow('bob', 'POST', '/transition-requests/approve', approve));
    expect(approved.activity).toMatchObject({
      user_id: 'bob',
      activity_type: 'APPROVED_REQUEST',
      from_stage: 'None',
      to_stage: 'Production',
      comment: 'lgtm',
    });
    expect(await stageOf('2')).toBe('Production');
    expect(await stageOf('1')).toBe('Archived');
    expect((await ok(listed('bob'))).requests).toBeUndefined();
    const again = await h.mlflow('bob', 'POST', '/transition-requests/approve', approve);
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    const v2 = await activities('alice', '2');
    expect(
      v2.map((a: ActivityJson) => [a.activity_type, a.user_id, a.from_stage, a.to_stage, a.request_status]),
    ).toEqual([
      ['REQUESTED_TRANSITION', 'alice', 'None', 'Production', 'APPROVED'],
      ['APPROVED_REQUEST', 'bob', 'None', 'Production', undefined],
      ['APPLIED_TRANSITION', 'bob', 'None', 'Production', undefined],
    ]);
    expect(v2[0]!.available_actions).toBeUndefined(); // closed requests offer nothing
    expect(
      (await activities('alice', '1')).map((a: ActivityJson) => [a.activity_type, a.from_stage, a.to_stage]),
    ).toEqual([
      ['APPLIED_TRANSITION', 'None', 'Production'],
      ['SYSTEM_TRANSITION', 'Production', 'Archived'],
    ]);

    const audit = (await ok(h.loom('carol', 'GET', '/registry/audit-log', { name: 'm' }))).entries;
    expect(audit.map((e: AuditEntryJson) => [e.action, e.user_id, e.version])).toEqual([
      ['transitionModelVersionStage', 'bob', '2'],
      ['approveTransitionRequest', 'bob', '2'],
      ['createTransitionRequest', 'alice', '2'],
      ['setRegisteredModelProtections', 'bob', undefined],
      ['transitionModelVersionStage', 'bob', '1'],
      ['createModelVersion', 'alice', '2'],
      ['createModelVersion', 'alice', '1'],
      ['createRegisteredModel', 'alice', undefined],
    ]);
    expect(audit[0]).toMatchObject({
      name: 'm',
      before: { current_stage: 'None' },
      after: { current_stage: 'Production', archived_versions: ['1'] },
    });
    expect(audit[1]).toMatchObject({
      before: { id: created.request.id, status: 'OPEN' },
      after: { id: created.request.id, status: 'APPROVED', comment: 'lgtm' },
    });
    expect(audit[3]).toMatchObject({
      before: { stages: [], aliases: [], require_distinct_approver: true },
      after: { stages: ['Production'], aliases: ['champion'], require_distinct_approver: true },
    });
    expect(audit.every((e: AuditEntryJson) => typeof e.timestamp === 'number' && /^\d+$/.test(e.id))).toBe(
      true,
    );

    expect(
      h.loomEvents().map((e) => [e.name, e.user, e.data.version, e.data.from_stage, e.data.to_stage]),
    ).toEqual([
      ['model_version.stage_transitioned', 'bob', '1', 'None', 'Production'],
      ['transition_request.created', 'alice', '2', 'None', 'Production'],
      ['transition_request.approved', 'bob', '2', 'None', 'Production'],
      ['model_version.stage_transitioned', 'bob', '2', 'None', 'Production'],
      ['model_version.stage_transitioned', 'bob', '1', 'Production', 'Archived'],
    ]);
    expect(h.loomEvents()[2]!.data).toMatchObject({
      name: 'm',
      request_id: created.request.id,
      requester: 'alice',
      comment: 'ready for prod',
      approver_comment: 'lgtm',
    });
  });

  it('requires archive_existing_versions when approving a stage, and a distinct approver unless switched off', async () => {
    await ok(
      h.mlflow('bob', 'POST', '/transition-requests/create', { name: 'm', version: '1', stage: 'Staging' }),
    );
    const approve = { name: 'm', version: '1', stage: 'Staging' };
    const missing = await h.mlflow('bob', 'POST', '/transition-requests/approve', approve);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/archive_existing_versions/);
    const own = { ...approve, archive_existing_versions: false };
    await denied(h.mlflow('bob', 'POST', '/transition-requests/approve', own), /different approver/);
    const listed = await ok(h.mlflow('bob', 'GET', '/transition-requests/list', { name: 'm', version: '1' }));
    expect(listed.requests[0].available_actions).toEqual(['CANCEL_TRANSITION_REQUEST']);

    await ok(protect('bob', { require_distinct_approver: false }));
    const relisted = await ok(
      h.mlflow('bob', 'GET', '/transition-requests/list', { name: 'm', version: '1' }),
    );
    expect(relisted.requests[0].available_actions).toContain('APPROVE_TRANSITION_REQUEST');
    await ok(h.mlflow('bob', 'POST', '/transition-requests/approve', own));
    expect(await stageOf('1')).toBe('Staging');
  });

  it('rejects a request without moving the version', async () => {
    const body = { name: 'm', version: '1', stage: 'staging', comment: 'try staging' };
    const created = await ok(h.mlflow('alice', 'POST', '/transition-requests/create', body));
    const reject = { name: 'm', version: '1', stage: 'Staging', comment: 'tests are red' };
    await denied(h.mlflow('alice', 'POST', '/transition-requests/reject', reject), /manage/);
    const rejected = await ok(h.mlflow('bob', 'POST', '/transition-requests/reject', reject));
    expect(rejected.activity).toMatchObject({
      activity_type: 'REJECTED_REQUEST',
      user_id: 'bob',
      to_stage: 'Staging',
      comment: 'tests are red',
    });
    expect(await stageOf('1')).toBe('None');
    const approve = { name: 'm', version: '1', stage: 'Staging', archive_existing_versions: false };
    expect((await h.mlflow('bob', 'POST', '/transition-requests/approve', approve)).status).toBe(404);
    expect(
      (await activities('carol', '1')).map((a: ActivityJson) => [
        a.id === created.request.id,
        a.request_status,
      ]),
    ).toEqual([
      [true, 'REJECTED'],
      [false, undefined],
    ]);
    expect(h.loomEvents().map((e) => e.name)).toEqual([
      'transition_request.created',
      'transition_request.rejected',
    ]);
  });

  it('lets the creator (or a manager) cancel, one open request per target', async () => {
    const body = { name: 'm', version: '1', stage: 'Production' };
    await ok(h.mlflow('alice', 'POST', '/transition-requests/create', body));
    const twice = await h.mlflow('carol', 'POST', '/transition-requests/create', body);
    expect(twice.status).toBe(400);
    expect(twice.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');

    await denied(h.mlflow('carol', 'DELETE', '/transition-requests/delete', body), /carol/);
    const wrongCreator = await h.mlflow('alice', 'DELETE', '/transition-requests/delete', {
      ...body,
      creator: 'carol',
    });
    expect(wrongCreator.status).toBe(404);
    // Databricks' clients send DELETE parameters in the query string.
    const query = new URLSearchParams({ ...body, creator: 'alice', comment: 'not yet' }).toString();
    const basic = `Basic ${Buffer.from('alice:x').toString('base64')}`;
    const res = await h.t.call('DELETE', `/api/2.0/mlflow/transition-requests/delete?${query}`, undefined, {
      authorization: basic,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.activity).toMatchObject({
      activity_type: 'CANCELLED_REQUEST',
      user_id: 'alice',
      comment: 'not yet',
    });
    expect(
      (await ok(h.mlflow('bob', 'GET', '/transition-requests/list', { name: 'm', version: '1' }))).requests,
    ).toBeUndefined();

    // A new request may be opened once the old one is closed; a manager may cancel it.
    await ok(h.mlflow('carol', 'POST', '/transition-requests/create', body));
    await ok(h.mlflow('bob', 'DELETE', '/transition-requests/delete', body));
    expect(h.loomEvents().map((e) => [e.name, e.user])).toEqual([
      ['transition_request.created', 'alice'],
      ['transition_request.cancelled', 'alice'],
      ['transition_request.created', 'carol'],
      ['transition_request.cancelled', 'bob'],
    ]);
  });

  it('validates targets, comments and versions', async () => {
    const create = (body: Record<string, unknown>) =>
      h.mlflow('alice', 'POST', '/transition-requests/create', body);
    const bad = async (body: Record<string, unknown>, status: number, message: RegExp) => {
      const r = await create(body);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.message).toMatch(message);
    };
    await bad({ name: 'm', version: '1' }, 400, /exactly one of 'stage' and 'alias'/);
    await bad({ name: 'm', version: '1', stage: 'Staging', alias: 'x' }, 400, /exactly one/);
    await bad({ name: 'm', version: '1', stage: 'Prod' }, 400, /Invalid Model Version stage: Prod/);
    await bad({ name: 'm', version: '1', stage: 'None' }, 400, /already in None/);
    await bad({ name: 'm', version: '1', alias: 'latest' }, 400, /reserved/);
    await bad({ name: 'm', version: '9', stage: 'Staging' }, 404, /version=9/);
    await bad({ name: 'm', version: '1', stage: 'Staging', comment: 'x'.repeat(65_536) }, 400, /65535/);
    const unknown = await h.loom('bob', 'GET', '/model-versions/activities', { name: 'nope', version: '1' });
    expect(unknown.status).toBe(404);
    // The protection check keeps MLflow's error for an unknown model.
    for (const [path, body] of [
      ['/model-versions/transition-stage', { name: 'nope', version: '1', stage: 'Staging' }],
      ['/registered-models/alias', { name: 'nope', version: '1', alias: 'a' }],
    ] as const) {
      const res = await h.mlflow('alice', 'POST', path, body);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('Model Version (name=nope, version=1) not found');
    }
  });
});

describe('direct transitions', () => {
  it('lets managers move versions to unprotected stages, recorded with their comment', async () => {
    const body = {
      name: 'm',
      version: '1',
      stage: 'staging',
      archive_existing_versions: false,
      comment: 'smoke',
    };
    await denied(h.mlflow('alice', 'POST', '/databricks/model-versions/transition-stage', body), /manage/);
    const moved = await ok(h.mlflow('bob', 'POST', '/databricks/model-versions/transition-stage', body));
    expect(moved.model_version_databricks).toMatchObject({
      name: 'm',
      version: '1',
      current_stage: 'Staging',
      permission_level: 'CAN_MANAGE',
    });
    expect(await activities('carol', '1')).toEqual([
      expect.objectContaining({
        activity_type: 'APPLIED_TRANSITION',
        user_id: 'bob',
        comment: 'smoke',
        to_stage: 'Staging',
      }),
    ]);
  });
});

describe('comments', () => {
  it('creates, edits and deletes comments with per-user available actions', async () => {
    const created = await ok(
      h.mlflow('alice', 'POST', '/comments/create', { name: 'm', version: '1', comment: 'looks good' }),
    );
    expect(created.comment).toEqual({
      id: expect.any(String),
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: created.comment.creation_timestamp,
      user_id: 'alice',
      comment: 'looks good',
      available_actions: ['EDIT_COMMENT', 'DELETE_COMMENT'],
    });
    const actionsOf = async (user: User) => (await activities(user, '1'))[0]!.available_actions;
    expect(await actionsOf('bob')).toEqual(['DELETE_COMMENT']);
    expect(await actionsOf('carol')).toBeUndefined();

    const id = created.comment.id;
    await denied(h.mlflow('carol', 'PATCH', '/comments/update', { id, comment: 'mine now' }), /alice/);
    await denied(h.mlflow('bob', 'PATCH', '/comments/update', { id, comment: 'edited' }), /alice/);
    const edited = await ok(h.mlflow('alice', 'PATCH', '/comments/update', { id, comment: 'looks great' }));
    expect(edited.comment).toMatchObject({ id, comment: 'looks great', user_id: 'alice' });
    expect(edited.comment.last_updated_timestamp).toBeGreaterThanOrEqual(created.comment.creation_timestamp);

    const empty = await h.mlflow('alice', 'POST', '/comments/create', {
      name: 'm',
      version: '1',
      comment: '',
    });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('Comment cannot be empty.');
    const long = await h.mlflow('alice', 'POST', '/comments/create', {
      name: 'm',
      version: '1',
      comment: 'y'.repeat(65_536),
    });
    expect(long.status).toBe(400);
    await ok(
      h.mlflow('carol', 'POST', '/comments/create', { name: 'm', version: '1', comment: 'z'.repeat(65_535) }),
    );
    await denied(
      h.mlflow('dave', 'POST', '/comments/create', { name: 'm', version: '1', comment: 'hi' }),
      /dave/,
    );

    await denied(h.mlflow('carol', 'DELETE', '/comments/delete', { id }), /carol/);
    expect(await ok(h.mlflow('bob', 'DELETE', '/comments/delete', { id }))).toEqual({});
    const gone = await h.mlflow('alice', 'DELETE', '/comments/delete', { id });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Comment with id=${id} not found`);
    expect((await h.mlflow('alice', 'PATCH', '/comments/update', { id: 'x1', comment: 'a' })).status).toBe(
      400,
    );

    const audit = (await ok(h.loom('bob', 'GET', '/registry/audit-log', { name: 'm', max_results: 4 })))
      .entries;
    expect(
      audit.map((e: AuditEntryJson) => [
        e.action,
        e.user_id,
        commentOf(e.before),
        commentOf(e.after)?.slice(0, 11),
      ]),
    ).toEqual([
      ['deleteComment', 'bob', 'looks great', undefined],
      ['createComment', 'carol', undefined, 'zzzzzzzzzzz'],
      ['updateComment', 'alice', 'looks good', 'looks great'],
      ['createComment', 'alice', undefined, 'looks good'],
    ]);
    expect(h.loomEvents().map((e) => [e.name, e.user, e.data.comment_id === id])).toEqual([
      ['comment.created', 'alice', true],
      ['comment.created', 'carol', false],
    ]);
  });
});

describe('protected aliases', () => {
  it('moves a protected alias only through an approved request', async () => {
    await denied(protect('alice', { aliases: ['champion'] }), /alice.*manage/);
    const badStage = await protect('bob', { stages: ['Live'] });
    expect(badStage.status).toBe(400);
    await ok(protect('bob', { aliases: ['champion'] }));
    const got = await ok(h.loom('carol', 'GET', '/registered-models/protections', { name: 'm' }));
    expect(got.protections).toEqual({
      name: 'm',
      stages: [],
      aliases: ['champion'],
      require_distinct_approver: true,
    });

    const setAlias = (alias: string) =>
      h.mlflow('alice', 'POST', '/registered-models/alias', { name: 'm', alias, version: '1' });
    await denied(setAlias('champion'), /Alias @champion .*transition-requests\/create/);
    await ok(setAlias('challenger'));

    await ok(
      h.mlflow('alice', 'POST', '/transition-requests/create', {
        name: 'm',
        version: '2',
        alias: 'champion',
      }),
    );
    const approved = await ok(
      h.mlflow('bob', 'POST', '/transition-requests/approve', { name: 'm', version: '2', alias: 'champion' }),
    );
    expect(approved.activity).toMatchObject({ activity_type: 'APPROVED_REQUEST', alias: 'champion' });
    const byAlias = await ok(
      h.mlflow('carol', 'GET', '/registered-models/alias', { name: 'm', alias: 'champion' }),
    );
    expect(byAlias.model_version.version).toBe('2');
    expect(await stageOf('2')).toBe('None');
    expect((await activities('carol', '2')).map((a: ActivityJson) => [a.activity_type, a.alias])).toEqual([
      ['REQUESTED_TRANSITION', 'champion'],
      ['APPROVED_REQUEST', 'champion'],
      ['APPLIED_TRANSITION', 'champion'],
    ]);
    const audit = (await ok(h.loom('bob', 'GET', '/registry/audit-log', { name: 'm', max_results: 1 })))
      .entries;
    expect(audit[0]).toMatchObject({
      action: 'setRegisteredModelAlias',
      user_id: 'bob',
      version: '2',
      after: { alias: 'champion', version: '2' },
    });
    expect(audit[0].before).toBeUndefined();
    expect(h.loomEvents().map((e) => [e.name, e.data.alias])).toEqual([
      ['transition_request.created', 'champion'],
      ['transition_request.approved', 'champion'],
    ]);
  });
});
