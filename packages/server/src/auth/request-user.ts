/** The authenticated user of a request, attached by the auth middleware and read by rules and routes. */
import type { Context } from 'hono';
import type { User } from '@loom/core';
import { LoomError } from '@loom/protocol';

const users = new WeakMap<Request, User>();

/** Records who made the request `c`. */
export function setRequestUser(c: Context, user: User): void {
  users.set(c.req.raw, user);
}

/** The user the middleware authenticated; UNAUTHENTICATED if it did not run (a wiring bug). */
export function requestUser(c: Context): User {
  const user = users.get(c.req.raw);
  if (!user) throw new LoomError('UNAUTHENTICATED', 'Request was not authenticated.');
  return user;
}
