/** Metric history endpoints: paged history and the bulk routes the UI charts use. */
import { tracking as api } from '@loom/protocol';
import { rpc } from '../rpc';
import { presentMetricBuckets, presentMetricWithRunId } from '../presenters/tracking';
import { runIdOf } from './run-id';
import { pageJsonText } from './wire';

export const metricRoutes = [
  rpc({
    name: 'getMetricHistory',
    methods: ['GET'],
    path: '/metrics/get-history',
    request: api.getMetricHistory,
    handle: async (req, { tracking }, c) => {
      const page = await tracking.getMetricHistoryJson({
        runId: runIdOf(req),
        metricKey: req.metric_key,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return c.body(
        pageJsonText('metrics', ['[', page.metricsJson, ']'], page.count, page.nextPageToken),
        200,
        {
          'content-type': 'application/json',
        },
      );
    },
  }),
  rpc({
    name: 'getMetricHistoryBulk',
    methods: ['GET'],
    path: '/metrics/get-history-bulk',
    ajaxOnly: true,
    request: api.getMetricHistoryBulk,
    handle: async (req, { tracking }) => {
      const metrics = await tracking.getMetricHistoryBulk(req.run_id, req.metric_key, req.max_results);
      return metrics.length > 0 ? { metrics: metrics.map(presentMetricWithRunId) } : {};
    },
  }),
  rpc({
    name: 'getMetricHistoryBulkInterval',
    methods: ['GET'],
    path: '/metrics/get-history-bulk-interval',
    request: api.getMetricHistoryBulkInterval,
    handle: async (req, { tracking }) => {
      // Loom's extension: with `buckets`, min/max/first/last per bucket instead of sampled points.
      if (req.buckets !== undefined) {
        const buckets = await tracking.getMetricHistoryBuckets({
          runIds: req.run_ids,
          metricKey: req.metric_key,
          startStep: req.start_step,
          endStep: req.end_step,
          buckets: req.buckets,
        });
        return presentMetricBuckets(buckets);
      }
      const metrics = await tracking.getMetricHistoryBulkInterval({
        runIds: req.run_ids,
        metricKey: req.metric_key,
        startStep: req.start_step,
        endStep: req.end_step,
        maxResults: req.max_results,
      });
      return metrics.length > 0 ? { metrics: metrics.map(presentMetricWithRunId) } : {};
    },
  }),
];
