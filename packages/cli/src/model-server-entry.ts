/**
 * The entry point of the image `loom models generate-dockerfile` writes: `loom models serve` and
 * nothing else of the CLI, so the image needs no database drivers, no tracking server and no tsx.
 * It is bundled to one JavaScript file at generate time (see `models-docker.ts`).
 */
import { Command } from 'commander';
import { defineServeCommand } from './commands/models-serve';
import { runProgram } from './run-program';

await runProgram(defineServeCommand(new Command('loom-model-server')));
