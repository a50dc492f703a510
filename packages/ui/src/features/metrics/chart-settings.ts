/**
 * Chart settings live in the URL so a view can be shared and survives reloads:
 * `metrics=a,b` (charted metrics), `x=step|time|relative`, `log=1`, `smooth=0.6`,
 * `from=100&to=900` (the zoomed step range). Parsing never throws: bad values fall back.
 */
import { X_AXES, type XAxis } from '../../charts/x-axis';

export interface ChartSettings {
  /** Metrics to chart, in order; empty means "the page's default". */
  metrics: string[];
  x: XAxis;
  log: boolean;
  /** EMA weight in [0, 0.99]; 0 is off. */
  smooth: number;
  /** The zoomed step range, both ends inclusive. */
  zoom?: [number, number] | undefined;
}

/** The settings a query names; a legacy single `metric=` comes first in the list. */
export function readChartSettings(query: URLSearchParams): ChartSettings {
  const list = (query.get('metrics') ?? '').split(',').filter(Boolean);
  const single = query.get('metric');
  const metrics = single && !list.includes(single) ? [single, ...list] : list;
  const x = query.get('x') as XAxis | null;
  const smooth = Number(query.get('smooth') ?? 0);
  const from = Number(query.get('from'));
  const to = Number(query.get('to'));
  const zoomed =
    query.has('from') && query.has('to') && Number.isInteger(from) && Number.isInteger(to) && from <= to;
  return {
    metrics,
    x: x && X_AXES.includes(x) ? x : 'step',
    log: query.get('log') === '1',
    smooth: Number.isFinite(smooth) ? Math.min(Math.max(smooth, 0), 0.99) : 0,
    zoom: zoomed ? [from, to] : undefined,
  };
}

/** The URL changes that store `changes` (defaults removed, so clean URLs stay clean). */
export function chartSettingsParams(changes: Partial<ChartSettings>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (changes.metrics) {
    out.metrics = changes.metrics.join(',');
    out.metric = undefined;
  }
  if (changes.x) out.x = changes.x === 'step' ? undefined : changes.x;
  if (changes.log !== undefined) out.log = changes.log ? '1' : undefined;
  if (changes.smooth !== undefined) out.smooth = changes.smooth > 0 ? String(changes.smooth) : undefined;
  if ('zoom' in changes) {
    out.from = changes.zoom ? String(changes.zoom[0]) : undefined;
    out.to = changes.zoom ? String(changes.zoom[1]) : undefined;
  }
  return out;
}
