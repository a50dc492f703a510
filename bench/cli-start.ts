/**
 * CLI start-up benchmark (`npm run bench:cli-start`; not part of the tests): how long `loom --help`
 * takes to exit, and how long `loom models serve` takes to print its listening line for the ONNX MLP
 * and the TF.js MLP (built in code). With `--baseline <checkout>` the same commands run from another
 * checkout of Loom too, rounds interleaved, so a change's cost is a ratio measured in one run.
 *
 * Flags: --runs N per command and tree (10)  --baseline DIR (none)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { saveTfjsLayersMlp, writePythonOnnxModel } from '../packages/models/src/testing/index.ts';
import { markdownTable, ms, summarize, table } from './stats';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, baseline: { type: 'string' } },
});
const RUNS = Number(flags.runs);

/** Milliseconds from spawn to exit (no `until`) or to the first output matching `until`. */
function timeCommand(root: string, args: string[], until?: RegExp): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'packages/cli/bin/loom.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let reached: number | undefined;
  return new Promise((ok, fail) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (reached === undefined && until?.test(out)) {
        reached = performance.now() - t0;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (reached !== undefined) ok(reached);
      else if (!until && code === 0) ok(performance.now() - t0);
      else fail(new Error(`loom ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-cli-start-'));
const onnx = await writePythonOnnxModel(join(dir, 'onnx'));
const tfjs = await saveTfjsLayersMlp(join(dir, 'tfjs'));
const listening = /listening at http/;
const commands: { name: string; args: string[]; until?: RegExp; baseline: boolean }[] = [
  { name: 'loom --help', args: ['--help'], baseline: true },
  {
    name: 'models serve (ONNX MLP)',
    args: ['models', 'serve', '-m', onnx, '-p', '0'],
    until: listening,
    baseline: true,
  },
  {
    name: 'models serve (TF.js MLP)',
    args: ['models', 'serve', '-m', tfjs, '-p', '0'],
    until: listening,
    baseline: false,
  },
];
const trees: [string, string][] = [['this tree', repoRoot]];
if (flags.baseline) trees.push(['baseline', resolve(flags.baseline)]);
const samples = new Map<string, number[]>();
try {
  for (let run = 0; run < RUNS; run++) {
    for (const command of commands) {
      for (const [tree, root] of trees) {
        if (tree === 'baseline' && !command.baseline) continue;
        const key = `${command.name}|${tree}`;
        samples.set(key, [...(samples.get(key) ?? []), await timeCommand(root, command.args, command.until)]);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const rows = [...samples.entries()].map(([key, xs]) => {
  const [name, tree] = key.split('|') as [string, string];
  const s = summarize(xs);
  const base = samples.get(`${name}|baseline`);
  const ratio = base && tree !== 'baseline' ? (s.median / summarize(base).median).toFixed(2) : '';
  return [name, tree, ms(s.median), ms(s.p99), ratio];
});
const header = ['command', 'tree', 'median', 'max (p99)', '÷ baseline'];
console.log(`${table(header, rows)}\n\n${markdownTable(header, rows)}`);
