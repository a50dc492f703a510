/** The one client the UI talks to the server through: same origin, so it works wherever Loom serves it. */
import { createClient } from '@loom/client';
import { LoomError } from '@loom/protocol';
import { actingUserHeaders } from './lib/acting-user';

// Asked on every request, so switching the acting user in the top bar takes effect at once.
export const loom = createClient({ headers: () => actingUserHeaders() });

/** A message for an error box: the server's message, with its code when it is not the usual one. */
export function errorText(error: unknown): string {
  if (error instanceof LoomError) return error.message || error.code;
  return error instanceof Error ? error.message : String(error);
}
