/**
 * `loom sync [folder]`: uploads the runs the SDK spooled offline (LOOM_OFFLINE=1, or while the server
 * was unreachable) to the tracking server. Safe to repeat or to resume after an interruption: what
 * was sent is recorded in each run's folder, so nothing is sent twice.
 */
import { Command } from 'commander';
import { createClient } from '@loom/client';
import {
  clientOptionsFor,
  defaultOfflineDir,
  readTrackingEnv,
  syncOfflineRuns,
  type SyncRunResult,
} from '@loom/client/tracking';
import { invalidParameter } from '@loom/protocol';
import { count, progressReporter } from './copy-progress';

interface SyncFlags {
  trackingUri?: string;
  retryFor?: string;
}

function retrySeconds(text: string | undefined): number {
  if (text === undefined) return 60;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    throw invalidParameter(`Invalid --retry-for '${text}': expected a number of seconds.`);
  }
  return n;
}

const OUTCOME_TEXT: Record<SyncRunResult['outcome'], string> = {
  synced: 'synced',
  open: 'synced so far (no end recorded: still running, or its script died)',
  unchanged: 'already synced',
  failed: 'FAILED',
};

export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'Upload runs logged offline to the tracking server (every unsynced run in the folder). ' +
        'Running it again, or after an interruption, sends nothing twice.',
    )
    .argument('[folder]', 'the offline folder (default: LOOM_OFFLINE_DIR, else ~/.loom/offline)')
    .option('--tracking-uri <uri>', 'the server to upload to (default: MLFLOW_TRACKING_URI)')
    .option('--retry-for <seconds>', 'how long to retry while the server is unreachable (default 60)')
    .action((folder: string | undefined, flags: SyncFlags) => syncOffline(folder, flags));
}

export async function syncOffline(folder: string | undefined, flags: SyncFlags): Promise<void> {
  const retryForMs = retrySeconds(flags.retryFor) * 1000;
  const env = readTrackingEnv();
  if (flags.trackingUri) env.trackingUri = flags.trackingUri;
  const client = createClient(clientOptionsFor(env));
  const dir = await defaultOfflineDir(folder ?? env.offlineDir);
  process.stderr.write(`loom: syncing ${dir} to ${env.trackingUri}\n`);
  const report = progressReporter(process.stderr, Date.now, { unit: 'points' });
  const results = await syncOfflineRuns(dir, client, {
    retry: { retryForMs },
    onProgress: (p) => report({ table: p.label, done: p.done, total: p.total, finished: p.finished }),
  });
  if (results.length === 0) {
    process.stdout.write(`loom: no offline runs in ${dir}\n`);
    return;
  }
  for (const r of results) {
    const target = r.serverRunId ?? '(not created)';
    const sent = r.sentItems > 0 ? `, ${count(r.sentItems)} points sent` : '';
    const refused = r.rejectedItems > 0 ? `, ${count(r.rejectedItems)} refused by the server` : '';
    const why = r.error ? `: ${r.error}` : '';
    process.stdout.write(
      `${r.localId} -> ${target}  ${r.label}  ${OUTCOME_TEXT[r.outcome]}${sent}${refused}${why}\n`,
    );
  }
  const by = (o: SyncRunResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const points = results.reduce((n, r) => n + r.sentItems, 0);
  process.stdout.write(
    `loom: ${results.length} runs: ${by('synced')} synced, ${by('open')} still open, ` +
      `${by('unchanged')} already synced, ${by('failed')} failed; ${count(points)} points sent.\n`,
  );
  if (by('failed') > 0) {
    process.stderr.write('loom: some runs could not be synced; fix the cause and run `loom sync` again.\n');
    process.exitCode = 1;
  }
}
