/** The one client the UI talks to the server through: same origin, so it works wherever Loom serves it. */
import { createClient } from '@loom/client';
import { LoomError } from '@loom/protocol';
import { actingUserHeaders } from './lib/acting-user';
import { authIsOn } from './lib/session';

// Asked on every request, so switching the acting user in the top bar takes effect at once. With
// authentication on, the browser sends the signed-in user's credentials and the UI adds none.
export const loom = createClient({ headers: () => (authIsOn() ? {} : actingUserHeaders()) });

/** A message for an error box: the server's message, with its code when it is not the usual one. */
export function errorText(error: unknown): string {
  if (error instanceof LoomError) return error.message || error.code;
  return error instanceof Error ? error.message : String(error);
}
