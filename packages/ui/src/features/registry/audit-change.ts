/** How an audit entry's before → after reads in one line: only the fields that changed. */

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** `field: old → new` for each field that differs; `created …` / `removed …` when one side is absent. */
export function describeChange(before: unknown, after: unknown): string {
  const b = isRecord(before) ? before : undefined;
  const a = isRecord(after) ? after : undefined;
  if (!b && a) return `created ${fields(a)}`;
  if (b && !a) return `removed ${fields(b)}`;
  if (!a || !b) return '';
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => show(b[k]) !== show(a[k]))
    .map((k) => `${k}: ${b[k] === undefined ? '∅' : show(b[k])} → ${a[k] === undefined ? '∅' : show(a[k])}`)
    .join('; ');
}

function fields(r: Record<string, unknown>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(', ');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
