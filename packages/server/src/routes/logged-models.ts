/** MLflow 3 logged-model endpoints, used by `mlflow.<flavor>.log_model` in 3.x clients. */
import { f, tracking as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { presentLoggedModel } from '../presenters/tracking';
import { keyValues, pageBody } from './wire';

const modelRef = { model_id: f.string().required() };

export const loggedModelRoutes = [
  rpc({
    name: 'createLoggedModel',
    methods: ['POST'],
    path: '/logged-models',
    request: api.createLoggedModel,
    handle: async (req, { tracking }) => ({
      model: presentLoggedModel(
        await tracking.createLoggedModel({
          experimentId: req.experiment_id,
          name: req.name,
          modelType: req.model_type,
          sourceRunId: req.source_run_id,
          params: keyValues(req.params),
          tags: keyValues(req.tags),
        }),
      ),
    }),
  }),
  rpc({
    name: 'searchLoggedModels',
    methods: ['POST'],
    path: '/logged-models/search',
    request: api.searchLoggedModels,
    handle: async (req, { tracking }) => {
      const page = await tracking.searchLoggedModels({
        experimentIds: req.experiment_ids,
        filter: req.filter,
        maxResults: req.max_results,
        orderBy: req.order_by.map((o) => ({ fieldName: o.field_name ?? '', ascending: o.ascending ?? true })),
        pageToken: req.page_token,
      });
      return pageBody('models', page.items.map(presentLoggedModel), page.nextPageToken);
    },
  }),
  rpc({
    name: 'getLoggedModel',
    methods: ['GET'],
    path: '/logged-models/:model_id',
    request: modelRef,
    handle: async (req, { tracking }) => ({
      model: presentLoggedModel(await tracking.getLoggedModel(req.model_id)),
    }),
  }),
  rpc({
    name: 'finalizeLoggedModel',
    methods: ['PATCH'],
    path: '/logged-models/:model_id',
    request: { ...api.finalizeLoggedModel, ...modelRef },
    handle: async (req, { tracking }) => ({
      model: presentLoggedModel(await tracking.finalizeLoggedModel(req.model_id, req.status)),
    }),
  }),
  rpc({
    name: 'deleteLoggedModel',
    methods: ['DELETE'],
    path: '/logged-models/:model_id',
    request: modelRef,
    handle: async (req, { tracking }) => {
      await tracking.deleteLoggedModel(req.model_id);
      return {};
    },
  }),
  rpc({
    name: 'setLoggedModelTags',
    methods: ['PATCH'],
    path: '/logged-models/:model_id/tags',
    request: { ...api.setLoggedModelTags, ...modelRef },
    handle: async (req, { tracking }) => ({
      model: presentLoggedModel(await tracking.setLoggedModelTags(req.model_id, keyValues(req.tags))),
    }),
  }),
  rpc({
    name: 'deleteLoggedModelTag',
    methods: ['DELETE'],
    path: '/logged-models/:model_id/tags/:tag_key',
    request: { ...modelRef, tag_key: f.string().required() },
    handle: async (req, { tracking }) => {
      await tracking.deleteLoggedModelTag(req.model_id, req.tag_key);
      return {};
    },
  }),
  rpc({
    name: 'logLoggedModelParams',
    methods: ['POST'],
    path: '/logged-models/:model_id/params',
    request: { ...api.logLoggedModelParams, ...modelRef },
    handle: async (req, { tracking }) => {
      await tracking.logLoggedModelParams(req.model_id, keyValues(req.params));
      return {};
    },
  }),
];
