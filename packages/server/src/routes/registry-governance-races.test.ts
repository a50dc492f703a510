import type { ActivityJson, AuditEntryJson } from '@loom/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGovernanceHarness, type GovernanceHarness } from '../testing/governance-harness';

let h: GovernanceHarness;
beforeEach(async () => {
  h = await createGovernanceHarness();
  expect((await h.mlflow('alice', 'POST', '/registered-models/create', { name: 'm' })).status).toBe(200);
});
afterEach(async () => {
  await h.t.close();
});

async function createVersion(): Promise<string> {
  const res = await h.mlflow('alice', 'POST', '/model-versions/create', { name: 'm', source: 's3://b/m' });
  expect(res.status).toBe(200);
  return res.body.model_version.version;
}

const activityTypes = async (version: string) =>
  (
    (await h.loom('bob', 'GET', '/model-versions/activities', { name: 'm', version })).body.activities ?? []
  ).map((a: ActivityJson) => a.activity_type);

describe('governance races', () => {
  it('approves a request once when approvals arrive together', async () => {
    const versions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const version = await createVersion();
      const req = { name: 'm', version, stage: 'Production' };
      expect((await h.mlflow('alice', 'POST', '/transition-requests/create', req)).status).toBe(200);
      versions.push(version);
    }
    // Every version's approvals are in flight at the same time, three per request.
    const results = await Promise.all(
      versions.flatMap((version) =>
        [0, 1, 2].map(() =>
          h
            .mlflow('bob', 'POST', '/transition-requests/approve', {
              name: 'm',
              version,
              stage: 'Production',
              archive_existing_versions: false,
            })
            .then((r) => ({ version, status: r.status, code: r.body.error_code as string | undefined })),
        ),
      ),
    );
    for (const version of versions) {
      const mine = results.filter((r) => r.version === version);
      expect(mine.filter((r) => r.status === 200)).toHaveLength(1);
      expect(mine.filter((r) => r.status !== 200).map((r) => [r.status, r.code])).toEqual([
        [404, 'RESOURCE_DOES_NOT_EXIST'],
        [404, 'RESOURCE_DOES_NOT_EXIST'],
      ]);
      expect(await activityTypes(version)).toEqual([
        'REQUESTED_TRANSITION',
        'APPROVED_REQUEST',
        'APPLIED_TRANSITION',
      ]);
    }
    const audit = (await h.loom('bob', 'GET', '/registry/audit-log', { name: 'm' })).body.entries;
    expect(audit.filter((e: AuditEntryJson) => e.action === 'approveTransitionRequest')).toHaveLength(4);
    expect(audit.filter((e: AuditEntryJson) => e.action === 'transitionModelVersionStage')).toHaveLength(4);
    expect(h.loomEvents().filter((e) => e.name === 'transition_request.approved')).toHaveLength(4);
  });

  it('lets exactly one of a concurrent approve, reject and cancel close a request', async () => {
    const version = await createVersion();
    const req = { name: 'm', version, stage: 'Staging' };
    expect((await h.mlflow('alice', 'POST', '/transition-requests/create', req)).status).toBe(200);
    const results = await Promise.all([
      h.mlflow('bob', 'POST', '/transition-requests/approve', { ...req, archive_existing_versions: true }),
      h.mlflow('bob', 'POST', '/transition-requests/reject', req),
      h.mlflow('alice', 'DELETE', '/transition-requests/delete', req),
    ]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 404)).toHaveLength(2);
    const types = await activityTypes(version);
    const outcomes = types.filter((t: string) => /_REQUEST$/.test(t));
    expect(outcomes).toHaveLength(1);
    const stage = (await h.mlflow('bob', 'GET', '/model-versions/get', { name: 'm', version })).body
      .model_version.current_stage;
    expect(stage).toBe(outcomes[0] === 'APPROVED_REQUEST' ? 'Staging' : 'None');
  });

  it('keeps one open request per target when creations arrive together', async () => {
    const version = await createVersion();
    const results = await Promise.all(
      (['alice', 'bob', 'carol', 'alice'] as const).map((user) =>
        h.mlflow(user, 'POST', '/transition-requests/create', { name: 'm', version, stage: 'Production' }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).map((r) => r.body.error_code)).toEqual([
      'RESOURCE_ALREADY_EXISTS',
      'RESOURCE_ALREADY_EXISTS',
      'RESOURCE_ALREADY_EXISTS',
    ]);
    const open = await h.mlflow('bob', 'GET', '/transition-requests/list', { name: 'm', version });
    expect(open.body.requests).toHaveLength(1);
  });
});
