/** The experiment search box's text as a filter in MLflow's experiment search grammar. */

/**
 * `name ILIKE '%text%'`; undefined for blank text. Quotes are doubled (the grammar's escape). LIKE
 * has no escape character here, so a `%` or `_` typed by the user still matches itself (and more).
 */
export function experimentNameFilter(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return `name ILIKE '%${t.replace(/'/g, "''")}%'`;
}
