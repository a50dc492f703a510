/** Runs a commander program the way every Loom entry point does: one line per failure, exit code 1. */
import type { Command } from 'commander';

/** Parses `process.argv` with `program`; prints a failure as `loom: <reason>` and exits 1. */
export async function runProgram(program: Command): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    // One line, no stack trace: the user needs the reason, not our call stack.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`loom: ${message}`);
    process.exit(1);
  }
}
