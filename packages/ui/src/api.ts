/** The one client the UI talks to the server through: same origin, so it works wherever Loom serves it. */
import { createClient } from '@loom/client';
import { LoomError } from '@loom/protocol';

export const loom = createClient();

/** A message for an error box: the server's message, with its code when it is not the usual one. */
export function errorText(error: unknown): string {
  if (error instanceof LoomError) return error.message || error.code;
  return error instanceof Error ? error.message : String(error);
}
