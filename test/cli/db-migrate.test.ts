/** `loom db migrate` as a user runs it: the real CLI process copying a store between databases. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  populateStore,
  postgresSkipReason,
  readStore,
  type TestDatabase,
} from '@loom/core/testing';
import { runCli } from '../support/cli-server';

/** `loom <args>` run to its end in `cwd`. */
const loom = (args: string[], cwd: string) => runCli(args, { cwd, timeoutMs: 120_000 });

/** The verification table's rows: table → [source rows, target rows, ok]. */
function verification(stdout: string): Map<string, string[]> {
  const lines = stdout.split('\n').filter((l) => /^\w+\s+[\d,]+\s+[\d,]+\s+\S+$/.test(l));
  return new Map(lines.map((l) => l.split(/\s+/)).map(([table, ...rest]) => [table!, rest]));
}

/** The meaningful stderr lines (Node's own warnings aside). */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('loom: ') && !l.startsWith('loom: copying'));
}

const skip = postgresSkipReason();
if (skip) console.log(`loom db migrate PostgreSQL tests ${skip}`);

let dir: string;
let source: string;
let expected: unknown;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-db-migrate-'));
  source = `sqlite:///${join(dir, 'source.db')}`;
  await populateStore(source);
  expected = await readStore(source);
});

afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('loom db migrate', () => {
  it('copies a SQLite store into a new SQLite file, prints the verification table and exits 0', async () => {
    const out = await loom(['db', 'migrate', '--from', source, '--to', 'sqlite:///copy.db'], dir);
    expect(out.code, out.stderr).toBe(0);
    const rows = verification(out.stdout);
    expect(rows.size).toBeGreaterThanOrEqual(20);
    for (const [, [sourceRows, targetRows, ok]] of rows) {
      expect(targetRows).toBe(sourceRows);
      expect(ok).toBe('ok');
    }
    expect(Number(rows.get('metrics')![0]!.replaceAll(',', ''))).toBeGreaterThan(1200);
    // Not a terminal: plain lines per table on stderr, no bar redraws.
    expect(out.stderr).toMatch(/^loom: metrics: 1,2\d\d rows in [\d.]+ s \([\d,]+ rows\/s\)$/m);
    expect(out.stderr).not.toContain('\r');
    expect(out.stdout).toMatch(/copied [\d,]+ rows in [\d.]+ s .*every table's count matches/);
    expect(await readStore(`sqlite:///${join(dir, 'copy.db')}`)).toEqual(expected);
  });

  it('refuses a source behind the schema, telling the user to run loom db upgrade', async () => {
    const old = join(dir, 'old.db');
    await loom(['db', 'migrate', '--from', source, '--to', `sqlite:///${old}`], dir);
    const db = new Database(old);
    db.prepare('DELETE FROM loom_schema_migrations WHERE version > 1').run();
    db.close();
    const out = await loom(
      ['db', 'migrate', '--from', `sqlite:///${old}`, '--to', 'sqlite:///never.db'],
      dir,
    );
    expect(out.code).toBe(1);
    expect(errorLines(out.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^loom: The source store is at schema version 1 but this Loom is at \\d+: run \`loom db upgrade sqlite:///${old}\` first\\.$`,
        ),
      ),
    ]);
  });

  it('refuses a bad --batch-size before touching anything', async () => {
    const out = await loom(
      ['db', 'migrate', '--from', source, '--to', 'sqlite:///x.db', '--batch-size', 'lots'],
      dir,
    );
    expect(out.code).toBe(1);
    expect(errorLines(out.stderr)).toEqual([
      "loom: Invalid --batch-size 'lots': expected a whole number from 1 to 100000.",
    ]);
  });
});

describe.skipIf(skip !== undefined)('loom db migrate with PostgreSQL', () => {
  it('moves a SQLite store to PostgreSQL and back, masking the password, and refuses a full target', async () => {
    const pg = await createTestDatabase('loom_mig');
    databases.push(pg);
    const withPassword = pg.uri.replace('postgresql://postgres@', 'postgresql+psycopg2://postgres:s3cret@');
    const there = await loom(
      ['db', 'migrate', '--from', source, '--to', withPassword, '--batch-size', '100'],
      dir,
    );
    expect(there.code, there.stderr).toBe(0);
    expect(there.stderr).toContain(`loom: copying ${source} to postgresql+psycopg2://postgres:***@`);
    expect(there.stderr + there.stdout).not.toContain('s3cret');
    expect(await readStore(pg.uri)).toEqual(expected);

    const back = await loom(['db', 'migrate', '--from', withPassword, '--to', 'sqlite:///back.db'], dir);
    expect(back.code, back.stderr).toBe(0);
    expect(verification(back.stdout)).toEqual(verification(there.stdout));
    expect(await readStore(`sqlite:///${join(dir, 'back.db')}`)).toEqual(expected);

    const again = await loom(['db', 'migrate', '--from', source, '--to', withPassword], dir);
    expect(again.code).toBe(1);
    expect(errorLines(again.stderr)).toEqual([
      "loom: The target store is not empty: table 'experiments' has rows. Copy into a new, empty database.",
    ]);
  });
});
