/**
 * Webhook cost benchmark (`npx tsx bench/webhooks.ts`; not part of the tests). In one process, on a
 * fresh test store (SQLite, or PostgreSQL with LOOM_TEST_BACKEND=postgres), it times 500 sequential
 * `model-versions/set-tag` requests with no webhook and then with one signed webhook subscribed to
 * `model_version_tag.set` (receiver on loopback, in the same process, verifying every signature),
 * and how long after the last write the last delivery arrives. Two rounds of each, interleaved
 * (ROUNDS to change); median and mean set-tag latency. To compare two builds, run it from both
 * checkouts alternately.
 */
import { createTestApp } from '../packages/server/src/testing/test-app';
import { startWebhookReceiver } from '../packages/server/src/testing/webhook-receiver';

const WARMUP = 50;
const N = 500;

async function round(subscribed: boolean): Promise<void> {
  const app = await createTestApp();
  const receiver = await startWebhookReceiver({ secret: 's' });
  try {
    if (subscribed) {
      await app.call('POST', '/api/2.0/mlflow/webhooks', {
        name: 'bench',
        url: receiver.url,
        secret: 's',
        events: [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }],
      });
    }
    await app.post('/registered-models/create', { name: 'm' });
    await app.post('/model-versions/create', { name: 'm', source: 's3://b/m' });
    const setTag = (i: number) =>
      app.post('/model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: `${i}` });
    for (let i = 0; i < WARMUP; i++) await setTag(i);
    const times: number[] = [];
    const start = performance.now();
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await setTag(i);
      times.push(performance.now() - t0);
    }
    const written = performance.now();
    times.sort((x, y) => x - y);
    const median = times[Math.floor(N / 2)]!;
    if (subscribed) await receiver.waitFor(WARMUP + N, 120_000);
    const delivered = performance.now();
    const unsigned = receiver.received.filter((r) => !r.verified).length;
    console.log(
      `${subscribed ? 'one webhook' : 'no webhook '}: median ${median.toFixed(3)} ms, mean ` +
        `${((written - start) / N).toFixed(3)} ms per set-tag` +
        (subscribed
          ? `; last of ${receiver.received.length} deliveries ${(delivered - written).toFixed(0)} ms after the last write` +
            `; ${unsigned} failed verification`
          : ''),
    );
  } finally {
    await app.close();
    await receiver.close();
  }
}

const ROUNDS = Number(process.env.ROUNDS ?? 2);
for (let i = 0; i < ROUNDS; i++) {
  await round(false);
  await round(true);
}
