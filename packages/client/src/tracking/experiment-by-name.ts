import { LoomError } from '@loom/protocol';
import type { LoomClient } from '../client';

/** The id of the experiment called `name`, created if missing (a concurrent creator may win). */
export async function experimentIdNamed(client: LoomClient, name: string): Promise<string> {
  const find = async () => {
    try {
      return (await client.getExperimentByName(name)).experiment_id;
    } catch (err) {
      if (err instanceof LoomError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw err;
    }
  };
  const found = await find();
  if (found) return found;
  try {
    return await client.createExperiment({ name });
  } catch (err) {
    if (err instanceof LoomError && err.code === 'RESOURCE_ALREADY_EXISTS') {
      const raced = await find();
      if (raced) return raced;
    }
    throw err;
  }
}
