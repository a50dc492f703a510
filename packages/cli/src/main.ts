/** The `loom` command line: MLflow's commands and flags. */
import { Command } from 'commander';
import { serverCommand } from './commands/server';
import { dbCommand } from './commands/db';
import { syncCommand } from './commands/sync';
import { runCommand } from './commands/run';
import { modelsCommand } from './commands/models';
import { runProgram } from './run-program';

// The AWS SDK warns on Node 20 that releases after January 2027 will need Node 22; ours is pinned
// to one that supports Node 20, so the multi-line warning would only bury real errors.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('loom')
  .description('Loom: an MLflow-compatible ML lifecycle platform')
  .version('0.1.0');
program.addCommand(serverCommand('server', 'Run the tracking server (REST API, artifact proxy and UI).'));
program.addCommand(serverCommand('ui', 'Run the tracking server with the UI (same as `server`).'));
program.addCommand(dbCommand());
program.addCommand(syncCommand());
program.addCommand(runCommand());
program.addCommand(modelsCommand());

await runProgram(program);
