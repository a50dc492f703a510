/** Which versions a compare-versions URL names. */

/** The versions a compare URL names (`versions=1,3`), de-duplicated, in the order given. */
export function parseVersionList(param: string | null): string[] {
  const versions = (param ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => /^\d+$/.test(v));
  return [...new Set(versions)].slice(0, 20);
}
