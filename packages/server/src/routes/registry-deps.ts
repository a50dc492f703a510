/** The registry service of an app; the registry routes are only mounted when there is one. */
import type { RegistryService } from '@loom/core';
import { LoomError } from '@loom/protocol';
import type { AppDeps } from '../deps';

/** `deps.registry`, or ENDPOINT_NOT_FOUND for an app built without a registry. */
export function registryOf(deps: AppDeps): RegistryService {
  if (!deps.registry) throw new LoomError('ENDPOINT_NOT_FOUND', 'This server has no model registry');
  return deps.registry;
}
