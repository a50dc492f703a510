/** Databricks' comments on model versions (under /mlflow). */
import { governance as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { principalOf } from '../principal';
import { presentComment } from '../presenters/governance';
import { governanceOf } from './registry-deps';

export const commentRoutes = [
  rpc({
    name: 'createComment',
    methods: ['POST'],
    path: '/comments/create',
    request: api.createComment,
    handle: async (req, deps, c) => ({
      comment: presentComment(
        await governanceOf(deps).createComment(
          { name: req.name, version: req.version, comment: req.comment },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'updateComment',
    methods: ['PATCH'],
    path: '/comments/update',
    request: api.updateComment,
    handle: async (req, deps, c) => ({
      comment: presentComment(
        await governanceOf(deps).updateComment(
          { id: req.id, comment: req.comment },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'deleteComment',
    methods: ['DELETE'],
    path: '/comments/delete',
    request: api.deleteComment,
    handle: async (req, deps, c) => {
      await governanceOf(deps).deleteComment(req.id, await principalOf(deps, c));
      return {};
    },
  }),
];
