/** Display formats shared by every page: times, durations and metric values. */

/** `2026-11-29 05:33:01` (or without seconds) in local time; an em dash for missing times. */
export function formatTime(ms: number | undefined, seconds = true): string {
  if (ms === undefined || ms <= 0) return '—';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const time = `${p(d.getHours())}:${p(d.getMinutes())}${seconds ? `:${p(d.getSeconds())}` : ''}`;
  return `${day} ${time}`;
}

/** `850ms`, `12.3s`, `4m 05s`, `2h 03m`, `3d 4h`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const p = (n: number) => String(n).padStart(2, '0');
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${p(Math.floor(s % 60))}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${p(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** How long a run took: end − start, or up to `now` while it runs; undefined when unknown. */
export function runDuration(
  info: { start_time: number; end_time?: number | undefined; status: string },
  now: number,
): number | undefined {
  if (!info.start_time) return undefined;
  if (info.end_time) return info.end_time - info.start_time;
  return info.status === 'RUNNING' ? now - info.start_time : undefined;
}

/** `3 min ago`, `2 days ago`; `just now` under a minute. */
export function formatRelative(ms: number, now: number): string {
  const s = Math.max(0, (now - ms) / 1000);
  if (s < 60) return 'just now';
  const units: [number, string][] = [
    [60 * 60 * 24 * 365, 'year'],
    [60 * 60 * 24 * 30, 'month'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'min'],
  ];
  for (const [size, name] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return `${n} ${name}${n === 1 || name === 'min' ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** A metric value at a readable precision: up to 4 significant decimals, exponent for extremes. */
export function formatMetric(value: number | string | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e12) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(3);
  return String(Number(value.toPrecision(5)));
}
