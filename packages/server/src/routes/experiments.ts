/** Experiment endpoints (service.proto). */
import { tracking as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { presentDatasetSummary, presentExperiment } from '../presenters/tracking';
import { keyValues, pageBody } from './wire';

export const experimentRoutes = [
  rpc({
    name: 'createExperiment',
    methods: ['POST'],
    path: '/experiments/create',
    request: api.createExperiment,
    handle: async (req, { tracking }) => ({
      experiment_id: await tracking.createExperiment({
        name: req.name,
        artifactLocation: req.artifact_location,
        tags: keyValues(req.tags),
      }),
    }),
  }),
  rpc({
    name: 'getExperiment',
    methods: ['GET'],
    path: '/experiments/get',
    request: api.getExperiment,
    handle: async (req, { tracking }) => ({
      experiment: presentExperiment(await tracking.getExperiment(req.experiment_id)),
    }),
  }),
  rpc({
    name: 'getExperimentByName',
    methods: ['GET'],
    path: '/experiments/get-by-name',
    request: api.getExperimentByName,
    handle: async (req, { tracking }) => ({
      experiment: presentExperiment(await tracking.getExperimentByName(req.experiment_name)),
    }),
  }),
  rpc({
    name: 'searchExperiments',
    methods: ['POST', 'GET'],
    path: '/experiments/search',
    request: api.searchExperiments,
    handle: async (req, { tracking }) => {
      const page = await tracking.searchExperiments({
        filter: req.filter,
        orderBy: req.order_by,
        viewType: req.view_type,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return pageBody('experiments', page.items.map(presentExperiment), page.nextPageToken);
    },
  }),
  // MLflow 1.x `experiments/list`, still called by older clients (the mlflow npm package among them).
  rpc({
    name: 'listExperiments',
    methods: ['GET'],
    path: '/experiments/list',
    request: api.listExperiments,
    handle: async (req, { tracking }) => {
      const page = await tracking.searchExperiments({
        viewType: req.view_type,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return pageBody('experiments', page.items.map(presentExperiment), page.nextPageToken);
    },
  }),
  rpc({
    name: 'updateExperiment',
    methods: ['POST'],
    path: '/experiments/update',
    request: api.updateExperiment,
    handle: async (req, { tracking }) => {
      await tracking.updateExperiment(req.experiment_id, req.new_name);
      return {};
    },
  }),
  rpc({
    name: 'deleteExperiment',
    methods: ['POST'],
    path: '/experiments/delete',
    request: api.deleteExperiment,
    handle: async (req, { tracking }) => {
      await tracking.deleteExperiment(req.experiment_id);
      return {};
    },
  }),
  rpc({
    name: 'restoreExperiment',
    methods: ['POST'],
    path: '/experiments/restore',
    request: api.restoreExperiment,
    handle: async (req, { tracking }) => {
      await tracking.restoreExperiment(req.experiment_id);
      return {};
    },
  }),
  rpc({
    name: 'setExperimentTag',
    methods: ['POST'],
    path: '/experiments/set-experiment-tag',
    request: api.setExperimentTag,
    handle: async (req, { tracking }) => {
      await tracking.setExperimentTag(req.experiment_id, req.key, req.value);
      return {};
    },
  }),
  rpc({
    name: 'deleteExperimentTag',
    methods: ['POST'],
    path: '/experiments/delete-experiment-tag',
    request: api.deleteExperimentTag,
    handle: async (req, { tracking }) => {
      await tracking.deleteExperimentTag(req.experiment_id, req.key);
      return {};
    },
  }),
  rpc({
    name: 'searchDatasets',
    methods: ['POST'],
    path: '/experiments/search-datasets',
    request: api.searchDatasets,
    handle: async (req, { tracking }) => {
      const summaries = await tracking.searchDatasets(req.experiment_ids);
      return summaries.length > 0 ? { dataset_summaries: summaries.map(presentDatasetSummary) } : {};
    },
  }),
];
