/** Loom's per-user API tokens (under /api/2.0/loom): create, list, revoke; and "who am I". */
import type { Context } from 'hono';
import type { User } from '@loom/core';
import { auth as api } from '@loom/protocol';
import { requestUser } from '../auth/request-user';
import type { AppDeps } from '../deps';
import { presentToken } from '../presenters/auth';
import { rpc, type RpcRoute } from '../rpc';
import { authOf } from './auth-users';

/** The caller, or (for admins, whose rule allows it) the user named in the request. */
async function subject(deps: AppDeps, c: Context, username: string | undefined): Promise<User> {
  const caller = requestUser(c);
  if (!username || username === caller.username) return caller;
  return authOf(deps).requireUser(username);
}

export const authTokenRoutes = [
  rpc({
    name: 'createAccessToken',
    namespace: 'loom',
    methods: ['POST'],
    path: '/tokens/create',
    request: api.createAccessToken,
    handle: async (req, deps, c) => {
      const user = await subject(deps, c, req.username);
      const { token, secret } = await authOf(deps).createToken(user, req.name);
      return { token: secret, token_info: presentToken(token, user.username) };
    },
  }),
  rpc({
    name: 'listAccessTokens',
    namespace: 'loom',
    methods: ['GET'],
    path: '/tokens/list',
    request: api.listAccessTokens,
    handle: async (req, deps, c) => {
      const user = await subject(deps, c, req.username);
      const tokens = await authOf(deps).listTokens(user);
      return { tokens: tokens.map((t) => presentToken(t, user.username)) };
    },
  }),
  rpc({
    name: 'revokeAccessToken',
    namespace: 'loom',
    methods: ['POST'],
    path: '/tokens/revoke',
    request: api.revokeAccessToken,
    handle: async (req, deps, c) => {
      await authOf(deps).revokeToken(await subject(deps, c, req.username), req.token_id);
      return {};
    },
  }),
  rpc({
    name: 'getCurrentUser',
    namespace: 'loom',
    methods: ['GET'],
    path: '/users/current',
    request: api.getCurrentUser,
    handle: async (_req, deps, c) => {
      const user = requestUser(c);
      return { user: { id: user.id, username: user.username, is_admin: user.isAdmin } };
    },
  }),
] as unknown as readonly RpcRoute[];
