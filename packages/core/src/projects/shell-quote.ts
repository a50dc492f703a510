/** POSIX shell quoting with Python's `shlex.quote` rules, so commands match what MLflow renders. */

const SAFE = /^[\w@%+=:,./-]+$/;

/** `value` as one shell word: unchanged when it holds only safe characters, else single-quoted. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (SAFE.test(value) && /^[\x20-\x7e]+$/.test(value)) return value;
  // Inside single quotes nothing is special except the quote itself: close, add "'", reopen.
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}
