/**
 * Authentication cost benchmark (`npx tsx bench/auth.ts`; not part of the tests). In one process, on
 * a fresh test store (SQLite, or PostgreSQL with LOOM_TEST_BACKEND=postgres), it times one scrypt
 * password check, then 2,000 sequential `runs/get` requests: authentication off, and with the
 * basic-auth app as an admin (no permission lookups), a reader over HTTP Basic (cached password check,
 * user and experiment permission lookups) and the same reader with a bearer token. Two rounds of each,
 * interleaved; the median per-request time of each kind.
 */
import { hashPassword, verifyPassword } from '../packages/core/src/auth/passwords';
import { createTestApp } from '../packages/server/src/testing/test-app';
import { summarize } from './stats';

const WARMUP = 200;
const N = 2000;
type Kind = 'off' | 'admin' | 'reader' | 'token';

const basic = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:pw`).toString('base64')}` });

async function round(kind: Kind): Promise<number> {
  const auth =
    kind === 'off'
      ? {}
      : { auth: { defaultPermission: 'READ' as const, adminUsername: 'admin', adminPassword: 'pw' } };
  const t = await createTestApp({}, auth);
  try {
    const admin = basic('admin');
    const runId = (await t.call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' }, admin)).body
      .run.info.run_id as string;
    let headers: Record<string, string> = admin;
    if (kind === 'reader' || kind === 'token') {
      await t.call('POST', '/api/2.0/mlflow/users/create', { username: 'reader', password: 'pw' }, admin);
      headers = basic('reader');
      if (kind === 'token') {
        const created = await t.call('POST', '/api/2.0/loom/tokens/create', { name: 'bench' }, headers);
        headers = { authorization: `Bearer ${created.body.token as string}` };
      }
    }
    const get = () => t.call('GET', '/api/2.0/mlflow/runs/get', { run_id: runId }, headers);
    for (let i = 0; i < WARMUP; i++) await get();
    const start = performance.now();
    for (let i = 0; i < N; i++) {
      const res = await get();
      if (res.status !== 200) throw new Error(`runs/get answered ${res.status}`);
    }
    return (performance.now() - start) / N;
  } finally {
    await t.close();
  }
}

const hash = await hashPassword('pw');
const checks: number[] = [];
for (let i = 0; i < 10; i++) {
  const start = performance.now();
  await verifyPassword('pw', hash);
  checks.push(performance.now() - start);
}
console.log(`scrypt check (N=16384, r=8, p=1): median ${summarize(checks).median.toFixed(1)} ms`);

const results = new Map<Kind, number[]>();
for (let r = 0; r < 2; r++) {
  for (const kind of ['off', 'admin', 'reader', 'token'] as const) {
    results.set(kind, [...(results.get(kind) ?? []), await round(kind)]);
  }
}
for (const [kind, times] of results) {
  console.log(
    `runs/get, ${kind.padEnd(6)}: median ${summarize(times).median.toFixed(3)} ms/request over ${times.length}×${N}`,
  );
}
