/**
 * PostgreSQL array literals (`{1,2}`, `{"a","b\"c"}`) bound as one text parameter and cast in SQL
 * (`?::bigint[]`), so a batch of rows travels as a few arrays for `unnest` instead of thousands of
 * separately bound values.
 */

/** `{…}` of numbers; JavaScript's shortest round-trip text, with `Infinity` spelt as PostgreSQL reads it. */
export function numberArray(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

/** `{…}` of strings, each quoted with `"` and `\` escaped; `null` is SQL NULL. */
export function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${out}}`;
}
