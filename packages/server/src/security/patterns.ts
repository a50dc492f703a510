/**
 * Allow-list patterns of MLflow's `--allowed-hosts` and `--cors-allowed-origins`: literal text where
 * `*` matches any run of characters (dots included) and `?` one character, compared without case.
 */

/** A predicate over `patterns`; `*` alone in the list matches everything. */
export function wildcardMatcher(patterns: readonly string[]): (value: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const regexes = patterns.map((p) => new RegExp(`^${toRegexSource(p)}$`, 'i'));
  return (value) => regexes.some((re) => re.test(value));
}

function toRegexSource(pattern: string): string {
  return pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
}

/**
 * A Host header split into its name and port (an IPv6 literal keeps its brackets), or undefined
 * when it is no `name[:port]` at all.
 */
export function splitHost(host: string): { name: string; port: string | undefined } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/\s@]+)(?::(\d{1,5}))?$/.exec(host);
  return match?.[1] ? { name: match[1], port: match[2] } : undefined;
}
