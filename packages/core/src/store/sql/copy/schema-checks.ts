/** The preconditions of a store copy: same schema version on both sides, matching tables, empty target. */
import { invalidParameter, LoomError } from '@loom/protocol';
import type { SqlDriver } from '../driver';
import type { Migration } from '../migrations';
import { MIGRATIONS_TABLE, quoteIdent, type CatalogTable } from './catalog';

/** Fails unless `db` has applied exactly `migrations`; `upgrade` says how to fix a store that is behind. */
export async function checkSchemaVersion(
  db: SqlDriver,
  catalog: readonly CatalogTable[],
  migrations: readonly Migration[],
  label: string,
  upgrade: string,
): Promise<void> {
  if (!catalog.some((t) => t.name === MIGRATIONS_TABLE)) {
    throw invalidParameter(`The ${label} is not a Loom store: it has no ${MIGRATIONS_TABLE} table.`);
  }
  const rows = await db.all<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE}`);
  const applied = new Set(rows.map((r) => Number(r.version)));
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  const newer = [...applied].filter((v) => !migrations.some((m) => m.version === v));
  if (newer.length > 0) {
    throw invalidParameter(
      `The ${label} has schema version ${Math.max(...newer)}, newer than this Loom knows (${latest}): ` +
        'run the copy with the newer Loom.',
    );
  }
  const missing = migrations.filter((m) => !applied.has(m.version));
  if (missing.length > 0) {
    const at = Math.max(0, ...applied);
    throw invalidParameter(
      `The ${label} is at schema version ${at} but this Loom is at ${latest}: ${upgrade} first.`,
    );
  }
}

/**
 * The tables to copy, in the source catalog's terms and the target's, paired by name. Both stores are
 * at the same version, so a difference means one was altered by hand: refuse rather than guess.
 */
export function pairTables(
  source: readonly CatalogTable[],
  target: readonly CatalogTable[],
): { source: CatalogTable; target: CatalogTable }[] {
  const copied = (t: CatalogTable) => t.name !== MIGRATIONS_TABLE;
  const targets = new Map(target.filter(copied).map((t) => [t.name, t]));
  const pairs = source.filter(copied).map((s) => {
    const t = targets.get(s.name);
    if (!t)
      throw invalidParameter(`Table '${s.name}' of the source store does not exist in the target store.`);
    targets.delete(s.name);
    const names = (x: CatalogTable) =>
      x.columns
        .map((c) => c.name)
        .sort()
        .join(', ');
    if (names(s) !== names(t)) {
      throw invalidParameter(
        `Table '${s.name}' has columns (${names(s)}) in the source store but (${names(t)}) in the target store.`,
      );
    }
    return { source: s, target: t };
  });
  const extra = [...targets.keys()][0];
  if (extra)
    throw invalidParameter(`Table '${extra}' of the target store does not exist in the source store.`);
  return pairs;
}

/** The names of the tables that hold at least one row, in the order given. */
async function nonEmptyTables(db: SqlDriver, tables: readonly CatalogTable[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of tables) if (await db.get(`SELECT 1 FROM ${quoteIdent(t.name)} LIMIT 1`)) out.push(t.name);
  return out;
}

/**
 * True when the only row of the target is the Default experiment that opening a store creates
 * (`loom server` or `loom db upgrade` ran on it, nothing else did): the copy replaces it with the
 * source's own. Anything more is someone's data, and the copy refuses to mix stores.
 */
async function onlyDefaultExperiment(db: SqlDriver, nonEmpty: readonly string[]): Promise<boolean> {
  if (nonEmpty.length !== 1 || nonEmpty[0] !== 'experiments') return false;
  const rows = await db.all<{ id: number }>('SELECT experiment_id AS id FROM experiments LIMIT 2');
  return rows.length === 1 && Number(rows[0]!.id) === 0;
}

/**
 * The target tables whose rows the copy replaces (in `tables` order): those a store just created by
 * this copy got from its migrations, or the lone Default experiment. Any other row is someone's data:
 * refuse, naming its table, rather than mix two stores.
 */
export async function tablesToReplace(
  db: SqlDriver,
  tables: readonly CatalogTable[],
  createdByCopy: boolean,
): Promise<string[]> {
  const nonEmpty = await nonEmptyTables(db, tables);
  if (nonEmpty.length === 0 || createdByCopy || (await onlyDefaultExperiment(db, nonEmpty))) return nonEmpty;
  throw new LoomError(
    'INVALID_STATE',
    `The target store is not empty: table '${nonEmpty[0]}' has rows. Copy into a new, empty database.`,
  );
}
