/**
 * Permission checks for one caller: "may this user do X to that experiment / run / model?", answered
 * from the auth service, throwing MLflow's 403 when not. Admins pass every check.
 */
import { permissionDenied, permits, type Ability, type AuthService, type User } from '@loom/core';
import type { AppDeps } from '../deps';

/** Who is asking, and where to look things up. */
export interface Access {
  auth: AuthService;
  deps: AppDeps;
  user: User;
}

/** Needs `ability` on the experiment. */
export async function requireExperiment(a: Access, experimentId: string, ability: Ability): Promise<void> {
  if (!(await a.auth.canOnExperiment(a.user, experimentId, ability))) throw permissionDenied();
}

/** Needs `ability` on the run's experiment (a missing run is the tracking store's 404). */
export async function requireRun(a: Access, runId: string, ability: Ability): Promise<void> {
  if (a.user.isAdmin) return;
  const run = await a.deps.tracking.getRunInfo(runId);
  await requireExperiment(a, run.experimentId, ability);
}

/** Needs `ability` on the logged model's experiment. */
export async function requireLoggedModel(a: Access, modelId: string, ability: Ability): Promise<void> {
  if (a.user.isAdmin) return;
  const model = await a.deps.tracking.getLoggedModel(modelId);
  await requireExperiment(a, model.experimentId, ability);
}

/** Needs `ability` on the registered model. */
export async function requireModel(a: Access, name: string, ability: Ability): Promise<void> {
  if (!(await a.auth.canOnRegisteredModel(a.user, name, ability))) throw permissionDenied();
}

/** Admins only. */
export function requireAdmin(a: Access): void {
  if (!a.user.isAdmin) throw permissionDenied();
}

/** Admins, or the user named `username` themself. */
export function requireSelfOrAdmin(a: Access, username: string | undefined): void {
  if (!a.user.isAdmin && username !== a.user.username) throw permissionDenied();
}

/** A test for "may the caller read this experiment?", from one read of the caller's rows. */
export async function readableExperiments(a: Access): Promise<(experimentId: string) => boolean> {
  if (a.user.isAdmin) return () => true;
  const rows = await a.auth.store.experimentPermissionsOf(a.user.id);
  const levels = new Map(rows.map((r) => [r.experimentId, r.permission]));
  const fallback = a.auth.config.defaultPermission;
  return (id) => permits(levels.get(id) ?? fallback, 'read');
}

/** A test for "may the caller read this registered model?", from one read of the caller's rows. */
export async function readableModels(a: Access): Promise<(name: string) => boolean> {
  if (a.user.isAdmin) return () => true;
  const rows = await a.auth.store.registeredModelPermissionsOf(a.user.id);
  const levels = new Map(rows.map((r) => [r.name, r.permission]));
  const fallback = a.auth.config.defaultPermission;
  return (name) => permits(levels.get(name) ?? fallback, 'read');
}
