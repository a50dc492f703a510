/**
 * Predictions as a CSV table (`loom models predict -o out.csv`), one column per output: records keep
 * their keys, a dict of per-row lists becomes its keys, a list of rows numbered columns and a list of
 * scalars one `predictions` column. Cells that are lists themselves are written as JSON.
 */

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The header and rows of `predictions`. */
export function predictionsTable(predictions: unknown): { columns: string[]; rows: unknown[][] } {
  if (isRecord(predictions)) {
    const columns = Object.keys(predictions);
    const lists = columns.map((c) => {
      const v = predictions[c];
      return Array.isArray(v) ? v : [v];
    });
    const count = Math.max(0, ...lists.map((l) => l.length));
    return { columns, rows: Array.from({ length: count }, (_, r) => lists.map((l) => l[r] ?? null)) };
  }
  const list = Array.isArray(predictions) ? predictions : [predictions];
  if (list.length > 0 && list.every(isRecord)) {
    const columns = [...new Set(list.flatMap((rec) => Object.keys(rec)))];
    return { columns, rows: list.map((rec) => columns.map((c) => rec[c] ?? null)) };
  }
  if (list.length > 0 && list.every(Array.isArray)) {
    const width = Math.max(...list.map((row) => row.length));
    return { columns: Array.from({ length: width }, (_, i) => String(i)), rows: list };
  }
  return { columns: ['predictions'], rows: list.map((v) => [v]) };
}

function csvField(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `predictions` as CSV text with a header row and LF line ends. */
export function predictionsCsv(predictions: unknown): string {
  const { columns, rows } = predictionsTable(predictions);
  const lines = [columns, ...rows].map((row) => row.map(csvField).join(','));
  return lines.join('\n') + '\n';
}
