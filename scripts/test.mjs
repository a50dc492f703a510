#!/usr/bin/env node
// The whole test pass: static checks (format, lint, types) and every vitest suite, ending with the
// plain `N passed, N failed` line CI reads. Each static check counts as one test.
// Usage: npm test [-- <vitest filters>]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const filters = process.argv.slice(2);
const results = { passed: 0, failed: 0, failures: [] };

function step(name, cmd, args) {
  const started = Date.now();
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  console.log(
    `== ${name}: ${res.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return res.status === 0;
}

function check(name, cmd, args) {
  if (step(name, cmd, args)) results.passed++;
  else {
    results.failed++;
    results.failures.push(name);
  }
}

if (filters.length === 0) {
  check('format', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']);
  check('lint', 'npx', ['eslint', '.']);
  check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']);
  // The web UI has its own compiler settings (DOM libraries, JSX).
  check('typecheck ui', 'npx', ['tsc', '-p', 'packages/ui/tsconfig.json']);
}

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
rmSync(report, { force: true });
// vitest.config.ts leaves this note when the PostgreSQL project could not run here.
const postgresSkipped = '.tmp/postgres-skipped.txt';
rmSync(postgresSkipped, { force: true });
const vitestOk = step('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...filters,
]);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests;
  results.failed += json.numFailedTests;
  for (const file of json.testResults) {
    for (const t of file.assertionResults) if (t.status === 'failed') results.failures.push(t.fullName);
    // A file that fails to load has no assertion results but still failed.
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      results.failed++;
      results.failures.push(`${file.name} (did not load: ${String(file.message).split('\n')[0]})`);
    }
  }
} catch (err) {
  results.failed++;
  results.failures.push(`vitest report unreadable: ${err.message}`);
}
// vitest can fail outside any test (a global setup, such as an unreachable PostgreSQL under CI).
if (!vitestOk && results.failures.length === 0) {
  results.failed++;
  results.failures.push('vitest exited with an error outside the tests (see its output above)');
}

if (results.failures.length > 0) {
  console.log('\nFailed:');
  for (const f of results.failures) console.log(`  - ${f}`);
}
if (existsSync(postgresSkipped)) console.log(`\n${readFileSync(postgresSkipped, 'utf8')}`);
console.log(`\n${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
