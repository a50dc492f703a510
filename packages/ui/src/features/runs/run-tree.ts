/**
 * Nested runs grouped under their parent (MLflow's `mlflow.parentRunId` tag): the table's rows in
 * the server's order, each parent followed by its children when expanded. A child whose parent is
 * not among the loaded runs (another page, filtered out) stands on its own at the top level.
 */
import type { RunJson } from '@loom/protocol';

export const PARENT_TAG = 'mlflow.parentRunId';

export interface RunRow {
  run: RunJson;
  /** 0 for a top-level run, 1 for its children, … */
  depth: number;
  /** Loaded children of this run. */
  childCount: number;
  expanded: boolean;
}

/** The parent run id of `run`, if it has one. */
export function parentOf(run: RunJson): string | undefined {
  return run.data.tags?.find((t) => t.key === PARENT_TAG)?.value || undefined;
}

/** The rows to show for `runs` with the runs in `expanded` opened. */
export function groupRuns(runs: readonly RunJson[], expanded: ReadonlySet<string>): RunRow[] {
  const loaded = new Set(runs.map((r) => r.info.run_id));
  const children = new Map<string, RunJson[]>();
  const roots: RunJson[] = [];
  for (const run of runs) {
    const parent = parentOf(run);
    if (parent !== undefined && parent !== run.info.run_id && loaded.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(run);
      else children.set(parent, [run]);
    } else roots.push(run);
  }
  const rows: RunRow[] = [];
  const placed = new Set<string>();
  const visit = (run: RunJson, depth: number) => {
    const id = run.info.run_id;
    if (placed.has(id)) return;
    placed.add(id);
    const kids = children.get(id) ?? [];
    const open = kids.length > 0 && expanded.has(id);
    rows.push({ run, depth, childCount: kids.length, expanded: open });
    // Hidden children still count as placed, so they do not surface as roots below.
    if (open) for (const kid of kids) visit(kid, depth + 1);
    else markPlaced(kids);
  };
  const markPlaced = (kids: RunJson[]) => {
    for (const kid of kids) {
      if (placed.has(kid.info.run_id)) continue;
      placed.add(kid.info.run_id);
      markPlaced(children.get(kid.info.run_id) ?? []);
    }
  };
  for (const root of roots) visit(root, 0);
  // Runs in a parent cycle (a → b → a) have no root above them: show them rather than lose them.
  for (const run of runs) if (!placed.has(run.info.run_id)) visit(run, 0);
  return rows;
}
