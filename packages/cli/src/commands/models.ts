/** The `models` command group: serve, predict, generate-dockerfile and build-docker. */
import { Command } from 'commander';
import { addDockerCommands } from './models-docker';
import { addPredictCommand } from './models-predict';
import { defineServeCommand } from './models-serve';

/** Builds the `models` command group. */
export function modelsCommand(): Command {
  const models = new Command('models').description('Serve models saved in the MLmodel format.');
  defineServeCommand(models.command('serve'));
  addPredictCommand(models);
  addDockerCommands(models);
  return models;
}
