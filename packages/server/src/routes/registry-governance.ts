/** Loom's registry governance endpoints (under /api/2.0/loom): activities, protections, audit log. */
import { governance as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { principalOf } from '../principal';
import { presentActivity, presentAuditEntry, presentProtections } from '../presenters/governance';
import { pageBody } from './wire';
import { governanceOf } from './registry-deps';

export const registryGovernanceRoutes = [
  rpc({
    name: 'listModelVersionActivities',
    namespace: 'loom',
    methods: ['GET'],
    path: '/model-versions/activities',
    request: api.listModelVersionActivities,
    handle: async (req, deps, c) => {
      const all = await governanceOf(deps).listActivities(req.name, req.version, await principalOf(deps, c));
      return all.length > 0 ? { activities: all.map(presentActivity) } : {};
    },
  }),
  rpc({
    name: 'getRegisteredModelProtections',
    namespace: 'loom',
    methods: ['GET'],
    path: '/registered-models/protections',
    request: api.getRegisteredModelProtections,
    handle: async (req, deps, c) => ({
      protections: presentProtections(
        req.name,
        await governanceOf(deps).getProtections(req.name, await principalOf(deps, c)),
      ),
    }),
  }),
  rpc({
    name: 'setRegisteredModelProtections',
    namespace: 'loom',
    methods: ['POST'],
    path: '/registered-models/protections',
    request: api.setRegisteredModelProtections,
    handle: async (req, deps, c) => ({
      protections: presentProtections(
        req.name,
        await governanceOf(deps).setProtections(
          {
            name: req.name,
            stages: req.stages,
            aliases: req.aliases,
            requireDistinctApprover: req.require_distinct_approver,
          },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'getRegistryAuditLog',
    namespace: 'loom',
    methods: ['GET'],
    path: '/registry/audit-log',
    request: api.getRegistryAuditLog,
    handle: async (req, deps, c) => {
      const page = await governanceOf(deps).getAuditLog(
        { name: req.name, maxResults: req.max_results, pageToken: req.page_token },
        await principalOf(deps, c),
      );
      return pageBody('entries', page.items.map(presentAuditEntry), page.nextPageToken);
    },
  }),
];
