/** Registered-model endpoints (model_registry.proto): models, their tags and aliases. */
import { registry as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { presentModelVersion, presentRegisteredModel } from '../presenters/registry';
import { pageBody } from './wire';
import { registryOf } from './registry-deps';
import { principalOf } from '../principal';

export const registeredModelRoutes = [
  rpc({
    name: 'createRegisteredModel',
    methods: ['POST'],
    path: '/registered-models/create',
    request: api.createRegisteredModel,
    handle: async (req, deps, c) => ({
      registered_model: presentRegisteredModel(
        await registryOf(deps).createRegisteredModel(
          { name: req.name, tags: req.tags, description: req.description },
          await principalOf(deps, c),
        ),
      ),
    }),
  }),
  rpc({
    name: 'renameRegisteredModel',
    methods: ['POST'],
    path: '/registered-models/rename',
    request: api.renameRegisteredModel,
    handle: async (req, deps, c) => ({
      registered_model: presentRegisteredModel(
        await registryOf(deps).renameRegisteredModel(req.name, req.new_name, await principalOf(deps, c)),
      ),
    }),
  }),
  rpc({
    name: 'updateRegisteredModel',
    methods: ['PATCH'],
    path: '/registered-models/update',
    request: api.updateRegisteredModel,
    handle: async (req, deps, c) => ({
      registered_model: presentRegisteredModel(
        await registryOf(deps).updateRegisteredModel(req.name, req.description, await principalOf(deps, c)),
      ),
    }),
  }),
  rpc({
    name: 'deleteRegisteredModel',
    methods: ['DELETE'],
    path: '/registered-models/delete',
    request: api.deleteRegisteredModel,
    handle: async (req, deps, c) => {
      await registryOf(deps).deleteRegisteredModel(req.name, await principalOf(deps, c));
      return {};
    },
  }),
  rpc({
    name: 'getRegisteredModel',
    methods: ['GET'],
    path: '/registered-models/get',
    request: api.getRegisteredModel,
    handle: async (req, deps) => ({
      registered_model: presentRegisteredModel(await registryOf(deps).getRegisteredModel(req.name)),
    }),
  }),
  rpc({
    name: 'searchRegisteredModels',
    methods: ['GET'],
    path: '/registered-models/search',
    request: api.searchRegisteredModels,
    handle: async (req, deps) => {
      const page = await registryOf(deps).searchRegisteredModels({
        filter: req.filter,
        orderBy: req.order_by,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return pageBody('registered_models', page.items.map(presentRegisteredModel), page.nextPageToken);
    },
  }),
  // MLflow 1.x `registered-models/list`, answered as a search without a filter.
  rpc({
    name: 'listRegisteredModels',
    methods: ['GET'],
    path: '/registered-models/list',
    request: api.listRegisteredModels,
    handle: async (req, deps) => {
      const page = await registryOf(deps).searchRegisteredModels({
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return pageBody('registered_models', page.items.map(presentRegisteredModel), page.nextPageToken);
    },
  }),
  rpc({
    name: 'getLatestVersions',
    methods: ['POST', 'GET'],
    path: '/registered-models/get-latest-versions',
    request: api.getLatestVersions,
    handle: async (req, deps) => {
      const versions = await registryOf(deps).getLatestVersions(req.name, req.stages);
      return versions.length > 0 ? { model_versions: versions.map(presentModelVersion) } : {};
    },
  }),
  rpc({
    name: 'setRegisteredModelTag',
    methods: ['POST'],
    path: '/registered-models/set-tag',
    request: api.setRegisteredModelTag,
    handle: async (req, deps, c) => {
      await registryOf(deps).setRegisteredModelTag(req.name, req.key, req.value, await principalOf(deps, c));
      return {};
    },
  }),
  rpc({
    name: 'deleteRegisteredModelTag',
    methods: ['DELETE'],
    path: '/registered-models/delete-tag',
    request: api.deleteRegisteredModelTag,
    handle: async (req, deps, c) => {
      await registryOf(deps).deleteRegisteredModelTag(req.name, req.key, await principalOf(deps, c));
      return {};
    },
  }),
  rpc({
    name: 'setRegisteredModelAlias',
    methods: ['POST'],
    path: '/registered-models/alias',
    request: api.setRegisteredModelAlias,
    handle: async (req, deps, c) => {
      await registryOf(deps).setRegisteredModelAlias(
        req.name,
        req.alias,
        req.version,
        await principalOf(deps, c),
      );
      return {};
    },
  }),
  rpc({
    name: 'deleteRegisteredModelAlias',
    methods: ['DELETE'],
    path: '/registered-models/alias',
    request: api.deleteRegisteredModelAlias,
    handle: async (req, deps, c) => {
      await registryOf(deps).deleteRegisteredModelAlias(req.name, req.alias, await principalOf(deps, c));
      return {};
    },
  }),
  rpc({
    name: 'getModelVersionByAlias',
    methods: ['GET'],
    path: '/registered-models/alias',
    request: api.getModelVersionByAlias,
    handle: async (req, deps) => ({
      model_version: presentModelVersion(await registryOf(deps).getModelVersionByAlias(req.name, req.alias)),
    }),
  }),
];
