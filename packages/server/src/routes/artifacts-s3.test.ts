/**
 * The artifact routes on S3 (s3rver on loopback): the proxy with an `s3://` destination, and runs
 * whose artifact root is `s3://` read through the S3 repository. Runs in the `sqlite` project only
 * (vitest.config.ts): nothing here depends on the database.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { s3ClientFor } from '@loom/core';
import { startTestS3, type TestS3 } from '@loom/core/testing';
import { createTestApp, type TestApp } from '../testing/test-app';
import { generated } from '../testing/generated-stream';

const MiB = 1024 * 1024;
const PROXY = '/api/2.0/mlflow-artifacts';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(() => s3.close());

/** Every key in `bucket`. */
async function keys(bucket: string): Promise<string[]> {
  const res = await s3ClientFor(s3.settings).send(new ListObjectsV2Command({ Bucket: bucket }));
  return (res.Contents ?? []).map((o) => o.Key ?? '');
}

describe('artifact proxy with an s3:// destination', () => {
  let t: TestApp;
  let bucket: string;
  beforeEach(async () => {
    bucket = await s3.createBucket();
    t = await createTestApp({ artifactsDestination: `s3://${bucket}/mlartifacts`, s3: s3.settings });
  });
  afterEach(() => t.close());
  const request = (url: string, init?: RequestInit) => t.app.request(url, init);
  const postJson = (url: string, body: unknown) =>
    request(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  it('PUTs, GETs, lists and DELETEs files under the destination prefix', async () => {
    const run = (await t.post('/runs/create', { experiment_id: '0' })).body.run.info;
    const root = `${PROXY}/artifacts/0/${run.run_id}/artifacts`;
    for (const [p, body] of [
      ['model/MLmodel', 'flavors: {}\n'],
      ['model/data/w.bin', 'ww'],
      ['metrics.json', '{}'],
    ]) {
      const res = await request(`${root}/${p}`, { method: 'PUT', body });
      expect(res.status).toBe(200);
    }
    expect(await keys(bucket)).toContain(`mlartifacts/0/${run.run_id}/artifacts/model/MLmodel`);

    const got = await request(`${root}/model/MLmodel`);
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(got.headers.get('content-length')).toBe('12');
    expect(await got.text()).toBe('flavors: {}\n');
    expect(await (await request(`${PROXY}/artifacts?path=0/${run.run_id}/artifacts/model`)).json()).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'data', is_dir: true },
      ],
    });
    // The run's own listing reads the same objects through the proxy repository.
    expect((await t.get('/artifacts/list', { run_id: run.run_id })).body).toEqual({
      root_uri: `mlflow-artifacts:/0/${run.run_id}/artifacts`,
      files: [
        { path: 'metrics.json', is_dir: false, file_size: 2 },
        { path: 'model', is_dir: true },
      ],
    });
    expect((await request(`${PROXY}/artifacts/nope.txt`)).status).toBe(404);

    expect(await (await request(`${root}/model`, { method: 'DELETE' })).json()).toEqual({});
    expect(await keys(bucket)).toEqual([`mlartifacts/0/${run.run_id}/artifacts/metrics.json`]);
  });

  it('streams 256 MiB through PUT and GET in bounded memory', async () => {
    const size = 256 * MiB;
    const url = `${PROXY}/artifacts/big/blob.bin`;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const expected = createHash('sha256');
      const put = await request(url, {
        method: 'PUT',
        body: generated(size, (chunk) => expected.update(chunk)),
        duplex: 'half',
      } as RequestInit);
      expect(put.status).toBe(200);
      const got = await request(url);
      expect(got.headers.get('content-length')).toBe(String(size));
      const actual = createHash('sha256');
      let received = 0;
      for await (const chunk of Readable.fromWeb(got.body as never)) {
        actual.update(chunk as Buffer);
        received += (chunk as Buffer).length;
      }
      expect(received).toBe(size);
      expect(actual.digest('hex')).toBe(expected.digest('hex'));
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - baseline;
    // Parts are 8 MiB with 2 in flight; the rest is garbage the collector has not reclaimed yet
    // (measured 55–90 MiB for 64 MiB to 1 GiB bodies). Holding the body whole would need 256 MiB.
    expect(growth).toBeLessThan(128 * MiB);
  }, 120_000);

  it('runs a multipart upload through presigned S3 part URLs, and aborts one', async () => {
    const created = await postJson(`${PROXY}/mpu/create/0/r/artifacts/model`, {
      path: '/home/me/tmp/weights.bin',
      num_parts: 2,
    });
    expect(created.status).toBe(200);
    const { upload_id, credentials } = (await created.json()) as {
      upload_id: string;
      credentials: { url: string; part_number: number; headers: Record<string, string> }[];
    };
    expect(credentials.map((c) => c.part_number)).toEqual([1, 2]);
    const bodies = [Buffer.alloc(5 * MiB, 1), Buffer.from('-tail')];
    const parts = [];
    for (const [i, cred] of credentials.entries()) {
      // The client sends parts straight to S3, as MLflow's client does with presigned URLs.
      expect(
        cred.url.startsWith(`${s3.endpoint}/${bucket}/mlartifacts/0/r/artifacts/model/weights.bin?`),
      ).toBe(true);
      const res = await fetch(cred.url, { method: 'PUT', body: bodies[i], headers: cred.headers });
      expect(res.status).toBe(200);
      parts.push({ part_number: cred.part_number, etag: res.headers.get('etag'), url: cred.url });
    }
    const done = await postJson(`${PROXY}/mpu/complete/0/r/artifacts/model`, {
      path: '/home/me/tmp/weights.bin',
      upload_id,
      parts,
    });
    expect(done.status).toBe(200);
    const got = await request(`${PROXY}/artifacts/0/r/artifacts/model/weights.bin`);
    expect(got.headers.get('content-length')).toBe(String(5 * MiB + 5));
    expect((await got.arrayBuffer()).byteLength).toBe(5 * MiB + 5);

    const other = (await (
      await postJson(`${PROXY}/mpu/create/x`, { path: 'w.bin', num_parts: 1 })
    ).json()) as {
      upload_id: string;
    };
    const aborted = await postJson(`${PROXY}/mpu/abort/x`, { path: 'w.bin', upload_id: other.upload_id });
    expect(aborted.status).toBe(200);
    expect(await aborted.json()).toEqual({});
    expect(await keys(bucket)).toEqual(['mlartifacts/0/r/artifacts/model/weights.bin']);
  });

  it.each([
    '..%2fescape.txt',
    '%2e%2e%2fescape.txt',
    '%252e%252e%252fescape.txt',
    'a/..%2f..%2fescape.txt',
    '..%5cescape.txt',
    'a%23b',
    '%2fetc%2fpasswd',
    'x%00y',
    'C:%5Cx',
    'c:/x',
    '.',
    '%2e',
  ])('refuses PUT/GET/DELETE of %s with 400 before reaching S3', async (p) => {
    await request(`${PROXY}/artifacts/keep/me.txt`, { method: 'PUT', body: 'kept' });
    for (const method of ['PUT', 'GET', 'DELETE']) {
      const res = await request(`${PROXY}/artifacts/${p}`, {
        method,
        ...(method === 'PUT' ? { body: 'pwned' } : {}),
      });
      expect(res.status, method).toBe(400);
      expect(await res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    for (const q of ['../x', '%2e%2e/x', '/etc', 'a#b']) {
      expect((await request(`${PROXY}/artifacts?path=${encodeURIComponent(q)}`)).status).toBe(400);
    }
    expect(await keys(bucket)).toEqual(['mlartifacts/keep/me.txt']);
  });
});

describe('runs whose artifact root is s3://', () => {
  let t: TestApp;
  let bucket: string;
  beforeEach(async () => {
    bucket = await s3.createBucket();
    t = await createTestApp({ defaultArtifactRoot: `s3://${bucket}/roots`, s3: s3.settings });
  });
  afterEach(() => t.close());

  it('assigns s3:// locations and lists and downloads what clients wrote there directly', async () => {
    const experimentId = (await t.post('/experiments/create', { name: 'on-s3' })).body
      .experiment_id as string;
    const experiment = (await t.get('/experiments/get', { experiment_id: experimentId })).body.experiment;
    expect(experiment.artifact_location).toBe(`s3://${bucket}/roots/${experimentId}`);
    const run = (await t.post('/runs/create', { experiment_id: experimentId })).body.run.info;
    expect(run.artifact_uri).toBe(`s3://${bucket}/roots/${experimentId}/${run.run_id}/artifacts`);

    // An MLflow client with an s3:// artifact URI writes to the bucket itself, not through Loom.
    const prefix = `roots/${experimentId}/${run.run_id}/artifacts`;
    for (const [key, body] of [
      ['model/MLmodel', 'flavors: {}'],
      ['metrics.json', '{"a":1}'],
    ] as const) {
      await s3ClientFor(s3.settings).send(
        new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}`, Body: body }),
      );
    }
    expect((await t.get('/artifacts/list', { run_id: run.run_id })).body).toEqual({
      root_uri: run.artifact_uri,
      files: [
        { path: 'metrics.json', is_dir: false, file_size: 7 },
        { path: 'model', is_dir: true },
      ],
    });
    expect((await t.get('/artifacts/list', { run_id: run.run_id, path: 'model' })).body.files).toEqual([
      { path: 'model/MLmodel', is_dir: false, file_size: 11 },
    ]);
    const file = await t.call('GET', '/get-artifact', { run_id: run.run_id, path: 'model/MLmodel' });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename=MLmodel');
    expect(file.text).toBe('flavors: {}');
    expect((await t.call('GET', '/get-artifact', { run_id: run.run_id, path: 'nope' })).status).toBe(404);
    const hostile = await t.call('GET', '/get-artifact', { run_id: run.run_id, path: '../../x' });
    expect(hostile.status).toBe(400);
  });
});
