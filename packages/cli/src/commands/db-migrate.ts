/** `loom db migrate --from <uri> --to <uri>`: copy a whole store into a new, empty database. */
import { resolve } from 'node:path';
import {
  assertCountsMatch,
  copyStore,
  DEFAULT_COPY_BATCH,
  openStoreDriver,
  redactStoreUri,
  sqlitePath,
  type SqlDriver,
} from '@loom/core';
import { invalidParameter } from '@loom/protocol';
import { count, progressReporter, verificationTable } from './copy-progress';

export interface MigrateFlags {
  from: string;
  to: string;
  batchSize?: string;
}

const MAX_BATCH = 100_000;

function batchSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_COPY_BATCH;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > MAX_BATCH) {
    throw invalidParameter(`Invalid --batch-size '${text}': expected a whole number from 1 to ${MAX_BATCH}.`);
  }
  return n;
}

/** The same SQLite file (however spelled) or the same PostgreSQL URI on both sides. */
function sameStore(a: string, b: string, cwd: string): boolean {
  const key = (uri: string) => (uri.startsWith('sqlite://') ? resolve(sqlitePath(uri, cwd)) : uri);
  return key(a) === key(b);
}

/** Copies the store, prints the verification table; fails (exit 1) when any count differs. */
export async function migrateStore(flags: MigrateFlags, cwd = process.cwd()): Promise<void> {
  const size = batchSize(flags.batchSize);
  if (sameStore(flags.from, flags.to, cwd)) throw invalidParameter('--from and --to name the same store.');
  const from = redactStoreUri(flags.from);
  const to = redactStoreUri(flags.to);
  const source = await openStoreDriver(flags.from, { cwd, mustExist: true });
  let target: SqlDriver | undefined;
  try {
    target = await openStoreDriver(flags.to, { cwd });
    process.stderr.write(`loom: copying ${from} to ${to}\n`);
    const report = await copyStore(source, target, {
      batchSize: size,
      onProgress: progressReporter(process.stderr),
      upgradeHint: `run \`loom db upgrade ${from}\``,
    });
    process.stdout.write(verificationTable(report));
    assertCountsMatch(report);
    const perSecond = report.seconds > 0 ? report.rows / report.seconds : 0;
    process.stdout.write(
      `loom: copied ${count(report.rows)} rows in ${report.seconds.toFixed(1)} s (${count(perSecond)} rows/s); ` +
        `every table's count matches.\n`,
    );
  } finally {
    await source.close().catch(() => undefined);
    await target?.close().catch(() => undefined);
  }
}
