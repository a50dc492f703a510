/** Run endpoints (service.proto): lifecycle, logging and search. */
import { tracking as api } from '@loom/protocol';
import type { Metric } from '@loom/core';
import { rpc } from '../rpc';
import { presentRun, presentRunInfo } from '../presenters/tracking';
import { runIdOf } from './run-id';
import { keyValues, pageJsonText } from './wire';

type WireMetric = {
  key: string;
  value: number;
  timestamp: number;
  step?: number | undefined;
  model_id?: string | undefined;
  dataset_name?: string | undefined;
  dataset_digest?: string | undefined;
};

function toMetric(m: WireMetric): Metric {
  return {
    key: m.key,
    value: m.value,
    timestamp: m.timestamp,
    step: m.step ?? 0,
    modelId: m.model_id || undefined,
    datasetName: m.dataset_name || undefined,
    datasetDigest: m.dataset_digest || undefined,
  };
}

export const runRoutes = [
  rpc({
    name: 'createRun',
    methods: ['POST'],
    path: '/runs/create',
    request: api.createRun,
    handle: async (req, { tracking }) => ({
      run: presentRun(
        await tracking.createRun({
          experimentId: req.experiment_id,
          userId: req.user_id,
          runName: req.run_name,
          startTime: req.start_time,
          tags: keyValues(req.tags),
        }),
      ),
    }),
  }),
  rpc({
    name: 'updateRun',
    methods: ['POST'],
    path: '/runs/update',
    request: api.updateRun,
    handle: async (req, { tracking }) => ({
      run_info: presentRunInfo(
        await tracking.updateRun(runIdOf(req), {
          status: req.status,
          endTime: req.end_time,
          runName: req.run_name,
        }),
      ),
    }),
  }),
  rpc({
    name: 'deleteRun',
    methods: ['POST'],
    path: '/runs/delete',
    request: api.deleteRun,
    handle: async (req, { tracking }) => {
      await tracking.deleteRun(runIdOf(req));
      return {};
    },
  }),
  rpc({
    name: 'restoreRun',
    methods: ['POST'],
    path: '/runs/restore',
    request: api.restoreRun,
    handle: async (req, { tracking }) => {
      await tracking.restoreRun(runIdOf(req));
      return {};
    },
  }),
  rpc({
    name: 'getRun',
    methods: ['GET'],
    path: '/runs/get',
    request: api.getRun,
    handle: async (req, { tracking }) => ({ run: presentRun(await tracking.getRun(runIdOf(req))) }),
  }),
  rpc({
    name: 'searchRuns',
    methods: ['POST'],
    path: '/runs/search',
    request: api.searchRuns,
    handle: async (req, { tracking }, c) => {
      const page = await tracking.searchRunsJson({
        experimentIds: req.experiment_ids,
        filter: req.filter,
        orderBy: req.order_by,
        viewType: req.run_view_type,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return c.body(pageJsonText('runs', [page.runsJson], page.count, page.nextPageToken), 200, {
        'content-type': 'application/json',
      });
    },
  }),
  rpc({
    name: 'logMetric',
    methods: ['POST'],
    path: '/runs/log-metric',
    request: api.logMetric,
    handle: async (req, { tracking }) => {
      await tracking.logMetric(runIdOf(req), toMetric(req));
      return {};
    },
  }),
  rpc({
    name: 'logParam',
    methods: ['POST'],
    path: '/runs/log-parameter',
    request: api.logParam,
    handle: async (req, { tracking }) => {
      await tracking.logParam(runIdOf(req), req.key, req.value);
      return {};
    },
  }),
  rpc({
    name: 'setTag',
    methods: ['POST'],
    path: '/runs/set-tag',
    request: api.setTag,
    handle: async (req, { tracking }) => {
      await tracking.setTag(runIdOf(req), req.key, req.value);
      return {};
    },
  }),
  rpc({
    name: 'deleteTag',
    methods: ['POST'],
    path: '/runs/delete-tag',
    request: api.deleteTag,
    handle: async (req, { tracking }) => {
      await tracking.deleteTag(runIdOf(req), req.key);
      return {};
    },
  }),
  rpc({
    name: 'logBatch',
    methods: ['POST'],
    path: '/runs/log-batch',
    request: api.logBatch,
    handle: async (req, { tracking }) => {
      await tracking.logBatch(runIdOf(req), req.metrics.map(toMetric), req.params, req.tags);
      return {};
    },
  }),
  rpc({
    name: 'logModel',
    methods: ['POST'],
    path: '/runs/log-model',
    request: api.logModel,
    handle: async (req, { tracking }) => {
      await tracking.logModel(runIdOf(req), req.model_json);
      return {};
    },
  }),
  rpc({
    name: 'logInputs',
    methods: ['POST'],
    path: '/runs/log-inputs',
    request: api.logInputs,
    handle: async (req, { tracking }) => {
      await tracking.logInputs(
        runIdOf(req),
        req.datasets.map((d) => ({
          dataset: d.dataset && {
            name: d.dataset.name,
            digest: d.dataset.digest,
            sourceType: d.dataset.source_type,
            source: d.dataset.source,
            schema: d.dataset.schema,
            profile: d.dataset.profile,
          },
          tags: keyValues(d.tags),
        })),
        req.models.map((m) => m.model_id ?? '').filter(Boolean),
      );
      return {};
    },
  }),
  rpc({
    name: 'logOutputs',
    methods: ['POST'],
    path: '/runs/outputs',
    request: api.logOutputs,
    handle: async (req, { tracking }) => {
      await tracking.logOutputs(
        runIdOf(req),
        req.models.map((m) => ({ modelId: m.model_id ?? '', step: m.step ?? 0 })),
      );
      return {};
    },
  }),
];
