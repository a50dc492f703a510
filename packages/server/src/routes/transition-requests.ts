/**
 * Databricks' approval workflow endpoints (under /mlflow, as Databricks mounts them): transition
 * requests and the direct transition of managers.
 */
import { governance as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { principalOf } from '../principal';
import { presentActivity } from '../presenters/governance';
import { presentModelVersion } from '../presenters/registry';
import { governanceOf } from './registry-deps';

const ref = (req: {
  name: string;
  version: string;
  stage?: string | undefined;
  alias?: string | undefined;
}) => ({
  name: req.name,
  version: req.version,
  stage: req.stage,
  alias: req.alias,
});

export const transitionRequestRoutes = [
  rpc({
    name: 'createTransitionRequest',
    methods: ['POST'],
    path: '/transition-requests/create',
    request: api.createTransitionRequest,
    handle: async (req, deps, c) => ({
      request: presentActivity(
        await governanceOf(deps).createTransitionRequest(
          { ...ref(req), comment: req.comment },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'listTransitionRequests',
    methods: ['GET'],
    path: '/transition-requests/list',
    request: api.listTransitionRequests,
    handle: async (req, deps, c) => {
      const open = await governanceOf(deps).listTransitionRequests(
        req.name,
        req.version,
        await principalOf(deps, c),
      );
      return open.length > 0 ? { requests: open.map(presentActivity) } : {};
    },
  }),
  rpc({
    name: 'approveTransitionRequest',
    methods: ['POST'],
    path: '/transition-requests/approve',
    request: api.approveTransitionRequest,
    handle: async (req, deps, c) => {
      const { activity } = await governanceOf(deps).approveTransitionRequest(
        { ...ref(req), archiveExistingVersions: req.archive_existing_versions, comment: req.comment },
        await principalOf(deps, c),
      );
      return { activity: presentActivity(activity) };
    },
  }),
  rpc({
    name: 'rejectTransitionRequest',
    methods: ['POST'],
    path: '/transition-requests/reject',
    request: api.rejectTransitionRequest,
    handle: async (req, deps, c) => ({
      activity: presentActivity(
        await governanceOf(deps).rejectTransitionRequest(
          { ...ref(req), comment: req.comment },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'deleteTransitionRequest',
    methods: ['DELETE'],
    path: '/transition-requests/delete',
    request: api.deleteTransitionRequest,
    handle: async (req, deps, c) => ({
      activity: presentActivity(
        await governanceOf(deps).deleteTransitionRequest(
          { ...ref(req), creator: req.creator, comment: req.comment },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'transitionModelVersionStageDatabricks',
    methods: ['POST'],
    path: '/databricks/model-versions/transition-stage',
    request: api.transitionModelVersionStageDatabricks,
    handle: async (req, deps, c) => {
      const principal = await principalOf(deps, c);
      const governance = governanceOf(deps);
      const moved = await governance.transitionStageDirect(
        {
          name: req.name,
          version: req.version,
          stage: req.stage,
          archiveExistingVersions: req.archive_existing_versions ?? false,
          comment: req.comment,
        },
        principal,
      );
      return {
        model_version_databricks: {
          ...presentModelVersion(moved),
          permission_level: await governance.permissionLevel(principal, req.name),
        },
      };
    },
  }),
];
