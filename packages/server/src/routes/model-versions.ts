/** Model-version endpoints (model_registry.proto). */
import { registry as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { presentModelVersion } from '../presenters/registry';
import { pageBody } from './wire';
import { registryOf } from './registry-deps';
import { principalOf } from '../principal';

export const modelVersionRoutes = [
  rpc({
    name: 'createModelVersion',
    methods: ['POST'],
    path: '/model-versions/create',
    request: api.createModelVersion,
    handle: async (req, deps, c) => ({
      model_version: presentModelVersion(
        await registryOf(deps).createModelVersion(
          {
            name: req.name,
            source: req.source,
            runId: req.run_id,
            tags: req.tags,
            runLink: req.run_link,
            description: req.description,
            modelId: req.model_id,
          },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'updateModelVersion',
    methods: ['PATCH'],
    path: '/model-versions/update',
    request: api.updateModelVersion,
    handle: async (req, deps, c) => ({
      model_version: presentModelVersion(
        await registryOf(deps).updateModelVersion(
          req.name,
          req.version,
          req.description,
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'deleteModelVersion',
    methods: ['DELETE'],
    path: '/model-versions/delete',
    request: api.deleteModelVersion,
    handle: async (req, deps, c) => {
      await registryOf(deps).deleteModelVersion(req.name, req.version, await principalOf(deps, c));
      return {};
    },
  }),
  rpc({
    name: 'getModelVersion',
    methods: ['GET'],
    path: '/model-versions/get',
    request: api.getModelVersion,
    handle: async (req, deps) => ({
      model_version: presentModelVersion(await registryOf(deps).getModelVersion(req.name, req.version)),
    }),
  }),
  rpc({
    name: 'searchModelVersions',
    methods: ['GET'],
    path: '/model-versions/search',
    request: api.searchModelVersions,
    handle: async (req, deps) => {
      const page = await registryOf(deps).searchModelVersions({
        filter: req.filter,
        orderBy: req.order_by,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return pageBody('model_versions', page.items.map(presentModelVersion), page.nextPageToken);
    },
  }),
  rpc({
    name: 'getModelVersionDownloadUri',
    methods: ['GET'],
    path: '/model-versions/get-download-uri',
    request: api.getModelVersionDownloadUri,
    handle: async (req, deps) => ({
      artifact_uri: await registryOf(deps).getModelVersionDownloadUri(req.name, req.version),
    }),
  }),
  rpc({
    name: 'transitionModelVersionStage',
    methods: ['POST'],
    path: '/model-versions/transition-stage',
    request: api.transitionModelVersionStage,
    handle: async (req, deps, c) => ({
      model_version: presentModelVersion(
        await registryOf(deps).transitionModelVersionStage(
          req.name,
          req.version,
          req.stage,
          req.archive_existing_versions,
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'setModelVersionTag',
    methods: ['POST'],
    path: '/model-versions/set-tag',
    request: api.setModelVersionTag,
    handle: async (req, deps, c) => {
      await registryOf(deps).setModelVersionTag(
        req.name,
        req.version,
        req.key,
        req.value,
        await principalOf(deps, c),
      );
      return {};
    },
  }),
  rpc({
    name: 'deleteModelVersionTag',
    methods: ['DELETE'],
    path: '/model-versions/delete-tag',
    request: api.deleteModelVersionTag,
    handle: async (req, deps, c) => {
      await registryOf(deps).deleteModelVersionTag(
        req.name,
        req.version,
        req.key,
        await principalOf(deps, c),
      );
      return {};
    },
  }),
];
