import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServerConfig } from '@loom/core';
import { LoomError } from '@loom/protocol';
import { startServer, type RunningServer } from '@loom/server';
import { basicAuthHeaders, createClient, type LoomClient } from './index';

let dir: string;
let server: RunningServer;
let alice: LoomClient;
let bob: LoomClient;
let runId: string;

const MODEL = 'governed';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (e: unknown) => (e instanceof LoomError ? e.code : String(e)),
  );

/** A run whose `model/` folder holds an MLmodel, uploaded through the artifact proxy. */
async function runWithModel(client: LoomClient): Promise<string> {
  const experimentId = await client.createExperiment({ name: 'governance-client' });
  const run = await client.createRun({ experimentId });
  await client.uploadArtifact(run.info.artifact_uri!, 'model/MLmodel', 'flavors: {}\n');
  return run.info.run_id;
}

/** A new READY version of MLMODEL registered by `client` (registration copies files first). */
async function newVersion(client: LoomClient): Promise<string> {
  const { version } = await client.createModelVersion({ name: MODEL, source: `runs:/${runId}/model`, runId });
  for (let i = 0; i < 200; i++) {
    if ((await client.getModelVersion(MODEL, version)).status === 'READY') return version;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`version ${version} did not become READY`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-client-governance-'));
  server = await startServer({ ...defaultServerConfig(dir), port: 0 });
  alice = createClient({ baseUrl: server.url, headers: basicAuthHeaders('alice') });
  bob = createClient({ baseUrl: server.url, headers: basicAuthHeaders('bob', 'unchecked') });
  runId = await runWithModel(alice);
  await alice.createRegisteredModel({ name: MODEL });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('transition requests', () => {
  it('alice requests an alias, may not approve it herself, bob approves and the alias moves', async () => {
    const version = await newVersion(alice);
    await alice.setRegisteredModelProtections({ name: MODEL, stages: [], aliases: ['champion'] });
    expect(await codeOf(alice.setRegisteredModelAlias(MODEL, 'champion', version))).toBe('PERMISSION_DENIED');

    const request = await alice.createTransitionRequest({
      name: MODEL,
      version,
      alias: 'champion',
      comment: 'beats **v0**',
    });
    expect(request).toMatchObject({
      activity_type: 'REQUESTED_TRANSITION',
      alias: 'champion',
      user_id: 'alice',
      comment: 'beats **v0**',
      request_status: 'OPEN',
      available_actions: ['CANCEL_TRANSITION_REQUEST'],
    });
    const [seenByBob] = await bob.listTransitionRequests(MODEL, version);
    expect(seenByBob?.available_actions).toEqual([
      'APPROVE_TRANSITION_REQUEST',
      'REJECT_TRANSITION_REQUEST',
      'CANCEL_TRANSITION_REQUEST',
    ]);

    expect(await codeOf(alice.approveTransitionRequest({ name: MODEL, version, alias: 'champion' }))).toBe(
      'PERMISSION_DENIED',
    );
    const approved = await bob.approveTransitionRequest({
      name: MODEL,
      version,
      alias: 'champion',
      comment: 'ship it',
    });
    expect(approved).toMatchObject({ activity_type: 'APPROVED_REQUEST', user_id: 'bob', comment: 'ship it' });
    expect((await alice.getModelVersionByAlias(MODEL, 'champion')).version).toBe(version);
    expect(await alice.listTransitionRequests(MODEL, version)).toEqual([]);

    const history = await alice.listModelVersionActivities(MODEL, version);
    expect(history.map((a) => [a.activity_type, a.user_id, a.request_status])).toEqual([
      ['REQUESTED_TRANSITION', 'alice', 'APPROVED'],
      ['APPROVED_REQUEST', 'bob', undefined],
      ['APPLIED_TRANSITION', 'bob', undefined],
    ]);
    // The approval and the alias move it made, newest first, both by bob.
    const log = await alice.getRegistryAuditLog({ name: MODEL, maxResults: 2 });
    expect(log.entries.map((e) => [e.action, e.user_id])).toEqual([
      ['setRegisteredModelAlias', 'bob'],
      ['approveTransitionRequest', 'bob'],
    ]);
  });

  it('stage requests: approval needs archive_existing_versions; reject and cancel close them', async () => {
    const version = await newVersion(alice);
    await alice.createTransitionRequest({ name: MODEL, version, stage: 'staging' });
    expect(await codeOf(bob.approveTransitionRequest({ name: MODEL, version, stage: 'Staging' }))).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    const rejected = await bob.rejectTransitionRequest({
      name: MODEL,
      version,
      stage: 'Staging',
      comment: 'needs more data',
    });
    expect(rejected).toMatchObject({ activity_type: 'REJECTED_REQUEST', to_stage: 'Staging' });
    expect(
      await codeOf(
        bob.approveTransitionRequest({
          name: MODEL,
          version,
          stage: 'Staging',
          archiveExistingVersions: false,
        }),
      ),
    ).toBe('RESOURCE_DOES_NOT_EXIST');

    await alice.createTransitionRequest({ name: MODEL, version, stage: 'Production' });
    const cancelled = await alice.deleteTransitionRequest({
      name: MODEL,
      version,
      stage: 'Production',
      creator: 'alice',
      comment: 'wrong version',
    });
    expect(cancelled).toMatchObject({ activity_type: 'CANCELLED_REQUEST', user_id: 'alice' });
    expect((await alice.getModelVersion(MODEL, version)).current_stage).toBe('None');

    await alice.createTransitionRequest({ name: MODEL, version, stage: 'Staging' });
    await bob.approveTransitionRequest({
      name: MODEL,
      version,
      stage: 'Staging',
      archiveExistingVersions: true,
    });
    expect((await alice.getModelVersion(MODEL, version)).current_stage).toBe('Staging');
  });
});

describe('comments', () => {
  it('creates, edits (author only) and deletes comments', async () => {
    const version = await newVersion(alice);
    const comment = await alice.createComment(MODEL, version, 'first look');
    expect(comment).toMatchObject({
      user_id: 'alice',
      comment: 'first look',
      available_actions: ['EDIT_COMMENT', 'DELETE_COMMENT'],
    });
    expect(await codeOf(bob.updateComment(comment.id, 'not mine'))).toBe('PERMISSION_DENIED');
    expect((await alice.updateComment(comment.id, 'second look')).comment).toBe('second look');
    const [asActivity] = await bob.listModelVersionActivities(MODEL, version);
    expect(asActivity).toMatchObject({
      id: comment.id,
      activity_type: 'NEW_COMMENT',
      comment: 'second look',
      available_actions: ['DELETE_COMMENT'],
    });
    await alice.deleteComment(comment.id);
    expect(await alice.listModelVersionActivities(MODEL, version)).toEqual([]);
    expect(await codeOf(alice.deleteComment(comment.id))).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('protections', () => {
  it('reads the defaults and replaces the set', async () => {
    await alice.createRegisteredModel({ name: 'unguarded' });
    expect(await alice.getRegisteredModelProtections('unguarded')).toEqual({
      name: 'unguarded',
      stages: [],
      aliases: [],
      require_distinct_approver: true,
    });
    const set = await bob.setRegisteredModelProtections({
      name: 'unguarded',
      stages: ['production', 'Staging'],
      aliases: ['live'],
      requireDistinctApprover: false,
    });
    expect(set).toEqual({
      name: 'unguarded',
      stages: ['Staging', 'Production'],
      aliases: ['live'],
      require_distinct_approver: false,
    });
    expect(await alice.getRegisteredModelProtections('unguarded')).toEqual(set);
    expect(await codeOf(alice.getRegisteredModelProtections('missing'))).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('the caller', () => {
  it('asks a headers function on every request, so the acting user can change', async () => {
    let user = 'carol';
    const client = createClient({ baseUrl: server.url, headers: () => basicAuthHeaders(user) });
    const version = await newVersion(client);
    await client.createComment(MODEL, version, 'by carol');
    user = 'zoë';
    await client.createComment(MODEL, version, 'by zoë');
    const anonymous = createClient({ baseUrl: server.url });
    await anonymous.createComment(MODEL, version, 'by nobody');
    const history = await client.listModelVersionActivities(MODEL, version);
    expect(history.map((a) => a.user_id)).toEqual(['carol', 'zoë', 'anonymous']);
    // Actions follow the caller: zoë may edit her own comment only.
    expect(history.map((a) => a.available_actions?.includes('EDIT_COMMENT') ?? false)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('encodes the user name as UTF-8 base64 with an empty password by default', () => {
    expect(basicAuthHeaders('alice')).toEqual({ authorization: `Basic ${btoa('alice:')}` });
    expect(basicAuthHeaders('zoë', 'pw').authorization).toBe(
      `Basic ${Buffer.from('zoë:pw', 'utf8').toString('base64')}`,
    );
  });
});
