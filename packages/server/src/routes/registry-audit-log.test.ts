import type { AuditEntryJson } from '@loom/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGovernanceHarness, type GovernanceHarness } from '../testing/governance-harness';

let h: GovernanceHarness;
beforeEach(async () => {
  h = await createGovernanceHarness();
});
afterEach(async () => {
  await h.t.close();
});

const auditLog = async (query: Record<string, unknown>) => {
  const res = await h.loom('bob', 'GET', '/registry/audit-log', query);
  expect(res.status, res.text).toBe(200);
  return res.body as { entries?: AuditEntryJson[]; next_page_token?: string };
};

describe('registry audit log', () => {
  it('records every open-source registry change with who, what and before -> after', async () => {
    const as = (user: 'alice' | 'anonymous', method: string, path: string, body: unknown) =>
      h.mlflow(user, method, path, body).then((r) => {
        expect(r.status, r.text).toBe(200);
        return r.body;
      });
    await as('alice', 'POST', '/registered-models/create', {
      name: 'a',
      description: 'first',
      tags: [{ key: 'k', value: '1' }],
    });
    await as('alice', 'PATCH', '/registered-models/update', { name: 'a', description: 'second' });
    await as('alice', 'POST', '/registered-models/set-tag', { name: 'a', key: 'k', value: '2' });
    await as('alice', 'DELETE', '/registered-models/delete-tag', { name: 'a', key: 'k' });
    await as('alice', 'POST', '/model-versions/create', { name: 'a', source: 's3://b/a' });
    await as('alice', 'PATCH', '/model-versions/update', { name: 'a', version: '1', description: 'v1' });
    await as('alice', 'POST', '/model-versions/set-tag', { name: 'a', version: '1', key: 't', value: 'x' });
    await as('alice', 'DELETE', '/model-versions/delete-tag', { name: 'a', version: '1', key: 't' });
    await as('alice', 'POST', '/registered-models/alias', { name: 'a', alias: 'best', version: '1' });
    await as('alice', 'DELETE', '/registered-models/alias', { name: 'a', alias: 'best' });
    await as('anonymous', 'POST', '/model-versions/transition-stage', {
      name: 'a',
      version: '1',
      stage: 'Staging',
    });
    await as('alice', 'DELETE', '/model-versions/delete', { name: 'a', version: '1' });
    await as('alice', 'POST', '/registered-models/rename', { name: 'a', new_name: 'b' });
    await as('alice', 'DELETE', '/registered-models/delete', { name: 'b' });

    const all = (await auditLog({})).entries!;
    const rows = all.map((e) => [
      e.action,
      e.name,
      e.version ?? null,
      e.user_id,
      e.before ?? null,
      e.after ?? null,
    ]);
    expect(rows.reverse()).toEqual([
      [
        'createRegisteredModel',
        'a',
        null,
        'alice',
        null,
        { name: 'a', description: 'first', tags: [{ key: 'k', value: '1' }] },
      ],
      ['updateRegisteredModel', 'a', null, 'alice', { description: 'first' }, { description: 'second' }],
      ['setRegisteredModelTag', 'a', null, 'alice', { key: 'k', value: '1' }, { key: 'k', value: '2' }],
      ['deleteRegisteredModelTag', 'a', null, 'alice', { key: 'k', value: '2' }, null],
      [
        'createModelVersion',
        'a',
        '1',
        'alice',
        null,
        { version: '1', source: 's3://b/a', current_stage: 'None', tags: [] },
      ],
      ['updateModelVersion', 'a', '1', 'alice', {}, { description: 'v1' }],
      ['setModelVersionTag', 'a', '1', 'alice', null, { key: 't', value: 'x' }],
      ['deleteModelVersionTag', 'a', '1', 'alice', { key: 't', value: 'x' }, null],
      ['setRegisteredModelAlias', 'a', '1', 'alice', null, { alias: 'best', version: '1' }],
      ['deleteRegisteredModelAlias', 'a', '1', 'alice', { alias: 'best', version: '1' }, null],
      [
        'transitionModelVersionStage',
        'a',
        '1',
        'anonymous',
        { current_stage: 'None' },
        { current_stage: 'Staging' },
      ],
      ['deleteModelVersion', 'a', '1', 'alice', { current_stage: 'Staging', source: 's3://b/a' }, null],
      ['renameRegisteredModel', 'a', null, 'alice', { name: 'a' }, { name: 'b' }],
      [
        'deleteRegisteredModel',
        'b',
        null,
        'alice',
        { name: 'b', description: 'second', live_versions: 0 },
        null,
      ],
    ]);
    // A deleted model's history stays readable by name.
    expect((await auditLog({ name: 'b' })).entries!.map((e) => e.action)).toEqual(['deleteRegisteredModel']);
  });

  it('writes nothing for a change that failed', async () => {
    await h.mlflow('alice', 'POST', '/registered-models/create', { name: 'a' });
    const dup = await h.mlflow('alice', 'POST', '/registered-models/create', { name: 'a' });
    expect(dup.status).toBe(400);
    const missing = await h.mlflow('alice', 'POST', '/model-versions/set-tag', {
      name: 'a',
      version: '3',
      key: 'k',
      value: 'v',
    });
    expect(missing.status).toBe(404);
    expect((await auditLog({})).entries!.map((e) => e.action)).toEqual(['createRegisteredModel']);
  });

  it('pages newest first with an opaque token and filters by model', async () => {
    for (const name of ['m1', 'm2', 'm3', 'm4', 'm5'])
      expect((await h.mlflow('alice', 'POST', '/registered-models/create', { name })).status).toBe(200);
    await h.mlflow('alice', 'POST', '/registered-models/set-tag', { name: 'm2', key: 'k', value: 'v' });

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await auditLog({ max_results: 2, page_token: token });
      seen.push(...page.entries!.map((e) => `${e.action}:${e.name}`));
      token = page.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual([
      'setRegisteredModelTag:m2',
      'createRegisteredModel:m5',
      'createRegisteredModel:m4',
      'createRegisteredModel:m3',
      'createRegisteredModel:m2',
      'createRegisteredModel:m1',
    ]);
    expect((await auditLog({ name: 'm2' })).entries!.map((e) => e.action)).toEqual([
      'setRegisteredModelTag',
      'createRegisteredModel',
    ]);
    expect(await auditLog({ name: 'nothing' })).toEqual({});

    const bad = await h.loom('bob', 'GET', '/registry/audit-log', { page_token: 'not-a-token' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const tooMany = await h.loom('bob', 'GET', '/registry/audit-log', { max_results: 1001 });
    expect(tooMany.status).toBe(400);
    // Reading one model's log needs read permission on it.
    const dave = await h.loom('dave', 'GET', '/registry/audit-log', { name: 'm1' });
    expect(dave.status).toBe(403);
  });

  it('is mounted under /ajax-api as well', async () => {
    await h.mlflow('alice', 'POST', '/registered-models/create', { name: 'm' });
    const carol = { authorization: `Basic ${Buffer.from('carol:pw').toString('base64')}` };
    const res = await h.t.call('GET', '/ajax-api/2.0/loom/registry/audit-log', { name: 'm' }, carol);
    expect(res.status).toBe(200);
    expect(res.body.entries[0]).toMatchObject({ action: 'createRegisteredModel', user_id: 'alice' });
  });
});
