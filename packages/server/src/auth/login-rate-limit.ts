/**
 * Failed logins per (username, client address) in a sliding window: after `max` failures within
 * `windowMs` further attempts are refused until the oldest failure ages out, so passwords cannot be
 * guessed at request speed. Per process and in memory: a cache a server may lose.
 */
export class LoginRateLimit {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly max = 10,
    readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** True when `key` has used up its failures for now. */
  isBlocked(key: string): boolean {
    return this.recent(key).length >= this.max;
  }

  /** Counts one failed attempt for `key`. */
  fail(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    this.failures.set(key, times);
    // Bound the memory an attacker spraying user names can take.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }
}
