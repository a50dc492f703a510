/**
 * Property-based test settings shared by the fuzz suites: a moderate number of cases per property
 * by default, `LOOM_FUZZ_RUNS=<n>` for more, `LOOM_FUZZ_SEED=<n>` to replay a failure, and a count
 * of the cases run that each suite prints at its end.
 */
import fc from 'fast-check';

const counts = new Map<string, number>();

/** Cases per property: `LOOM_FUZZ_RUNS` when set, else `defaultRuns`. */
export function fuzzRuns(defaultRuns: number): number {
  const env = Number(process.env.LOOM_FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : defaultRuns;
}

/** Runs an async property, counting its cases under `name`; fails with fast-check's counterexample. */
export async function assertProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  defaultRuns: number,
): Promise<void> {
  const numRuns = fuzzRuns(defaultRuns);
  const seed = Number(process.env.LOOM_FUZZ_SEED);
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      await predicate(value);
    }),
    { numRuns, ...(Number.isInteger(seed) ? { seed } : {}) },
  );
}

/** One line per property with the cases run so far, and their total. */
export function fuzzSummary(): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const lines = [...counts].map(([name, n]) => `  ${name}: ${n}`);
  return `fuzz cases run: ${total}\n${lines.join('\n')}`;
}
