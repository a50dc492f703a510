/** Orders tables so that every table comes after the tables its foreign keys point at. */

/** Tables with their references, in dependency order; ties (and cycles) keep alphabetical order. */
export function orderByReferences<T extends { name: string; references: readonly string[] }>(
  tables: readonly T[],
): T[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const sorted = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  // Depth first: a table is emitted once everything it references has been. A reference back into
  // the path (a cycle, or a table referencing itself) is skipped; the copier defers those checks.
  const visit = (table: T) => {
    if (done.has(table.name) || visiting.has(table.name)) return;
    visiting.add(table.name);
    for (const ref of [...table.references].sort()) {
      const target = byName.get(ref);
      if (target) visit(target);
    }
    visiting.delete(table.name);
    done.add(table.name);
    out.push(table);
  };
  for (const table of sorted) visit(table);
  return out;
}
