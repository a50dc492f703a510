/** The registry services of an app; the registry routes are only mounted when there is a registry. */
import { RegistryGovernanceService, type RegistryService } from '@loom/core';
import { LoomError } from '@loom/protocol';
import type { AppDeps } from '../deps';

/** `deps.registry`, or ENDPOINT_NOT_FOUND for an app built without a registry. */
export function registryOf(deps: AppDeps): RegistryService {
  if (!deps.registry) throw new LoomError('ENDPOINT_NOT_FOUND', 'This server has no model registry');
  return deps.registry;
}

const defaults = new WeakMap<RegistryService, RegistryGovernanceService>();

/** `deps.governance`, else one over the registry that permits everything (authentication off). */
export function governanceOf(deps: AppDeps): RegistryGovernanceService {
  if (deps.governance) return deps.governance;
  const registry = registryOf(deps);
  let governance = defaults.get(registry);
  if (!governance) {
    governance = new RegistryGovernanceService(registry);
    defaults.set(registry, governance);
  }
  return governance;
}
