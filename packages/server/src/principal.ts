/**
 * The one place the server decides who is calling. Authentication off: the user named by an HTTP
 * Basic `Authorization` header, unchecked, else `anonymous`. With `--app-name basic-auth`,
 * `installAuth` (auth/install-auth.ts) sets `AppDeps.principal` to the authenticated user.
 */
import type { Context } from 'hono';
import { ANONYMOUS, type Principal } from '@loom/core';
import type { AppDeps } from './deps';

/** Names the caller of a request. */
export type PrincipalResolver = (c: Context) => Principal | Promise<Principal>;

/** The HTTP Basic user name, unchecked; `anonymous` without one. */
export const basicAuthPrincipal: PrincipalResolver = (c) => {
  const header = c.req.header('authorization');
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return ANONYMOUS;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  return user ? { user } : ANONYMOUS;
};

/** The caller of `c` as the app's resolver names it. */
export function principalOf(deps: AppDeps, c: Context): Promise<Principal> {
  return Promise.resolve((deps.principal ?? basicAuthPrincipal)(c));
}
