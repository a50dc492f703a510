/**
 * Finds the line of a key path in block-style YAML text, so errors about a field can name its line
 * (js-yaml's `load` returns plain data without positions). Flow-style mappings fall back to the line
 * of the nearest enclosing key that is found.
 */

/** 1-based line of `path` (e.g. ['entry_points', 'main', 'parameters']) in `text`, if found. */
export function lineOfPath(text: string, path: readonly string[]): number | undefined {
  const lines = text.split(/\r?\n/);
  let from = 0;
  let parentIndent = -1;
  let found: number | undefined;
  for (const key of path) {
    const hit = findKey(lines, key, from, parentIndent);
    if (hit === undefined) return found;
    found = hit.line + 1;
    from = hit.line + 1;
    parentIndent = hit.indent;
  }
  return found;
}

function findKey(
  lines: string[],
  key: string,
  from: number,
  parentIndent: number,
): { line: number; indent: number } | undefined {
  const quoted = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^(\\s*)(?:-\\s+)?(?:${quoted}|"${quoted}"|'${quoted}')\\s*:`);
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    // Leaving the parent's block: the key is not in it.
    if (parentIndent >= 0 && indent <= parentIndent) return undefined;
    const match = pattern.exec(line);
    if (match) return { line: i, indent };
  }
  return undefined;
}
