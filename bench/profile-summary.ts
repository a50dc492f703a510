/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and tells where the time went inside given time
 * windows: the functions with the most self time, and the self time grouped by source area
 * (SQLite, JSON, HTTP framework, Loom's own packages, GC…). Windows are in microseconds of the
 * monotonic clock, which is what both V8's profile timestamps and `process.hrtime` use on Linux.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Window {
  name: string;
  startUs: number;
  endUs: number;
}

export interface WindowSummary {
  name: string;
  sampledMs: number;
  idleMs: number;
  topFunctions: { fn: string; selfMs: number; pct: number }[];
  byArea: { area: string; selfMs: number; pct: number }[];
}

/** The area of the code a frame belongs to, from its URL. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8/native (program)';
  // better-sqlite3's native Statement#all/get/run are attributed to the Loom function calling them.
  if (url.includes('sqlite-driver.ts') && /^(all|get|run)$/.test(functionName))
    return 'SQLite (statement execution)';
  if (url.includes('better-sqlite3') && functionName === 'exec') return 'SQLite (db.exec: BEGIN/COMMIT)';
  if (url.includes('better-sqlite3')) return 'better-sqlite3 (JS wrapper)';
  if (url === '' && /^(all|get|run|iterate|prepare|exec|pragma)$/.test(functionName))
    return 'SQLite (native statement calls)';
  if (url === '' && /^(parse|stringify)$/.test(functionName)) return 'JSON parse/stringify (native)';
  if (url.includes('/packages/server/')) return 'Loom server (routes, presenters)';
  if (url.includes('/packages/core/')) return 'Loom core (service, store)';
  if (url.includes('/packages/protocol/')) return 'Loom protocol (schemas, JSON)';
  if (url.includes('node_modules/hono') || url.includes('@hono')) return 'Hono / @hono/node-server';
  if (url.includes('node_modules/zod')) return 'zod';
  if (url.includes('node_modules/tsx') || url.includes('esbuild')) return 'tsx loader';
  if (url.startsWith('node:')) return 'Node core (http, streams, …)';
  if (url.includes('node_modules/'))
    return `dependency ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? ''}`;
  if (url === '') return 'native builtins';
  return 'other';
}

function label(frame: CallFrame): string {
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(packages|node_modules)\//, '$1/');
  // Line numbers of tsx-compiled sources do not map back to the .ts file, so only node: and
  // node_modules frames carry one.
  const line = file.startsWith('packages/') ? '' : `:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}${line}` : '(native)'}`;
}

/** Self time per function and per area within each window. */
export function summarizeProfile(path: string, windows: readonly Window[], top = 12): WindowSummary[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const acc = windows.map(() => ({
    fns: new Map<string, number>(),
    areas: new Map<string, number>(),
    total: 0,
    idle: 0,
  }));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const node = byId.get(profile.samples[i] ?? -1);
    if (!node) continue;
    const w = windows.findIndex((win) => t >= win.startUs && t < win.endUs);
    const a = acc[w];
    if (!a) continue;
    // A sample's weight is the interval until the next sample (V8 attributes it this way too).
    const weight = (profile.timeDeltas[i + 1] ?? dt) / 1000;
    const ar = area(node.callFrame);
    if (ar === 'idle') {
      a.idle += weight;
      continue;
    }
    a.total += weight;
    const key = label(node.callFrame);
    a.fns.set(key, (a.fns.get(key) ?? 0) + weight);
    a.areas.set(ar, (a.areas.get(ar) ?? 0) + weight);
  }
  return windows.map((win, i) => {
    const a = acc[i]!;
    const sorted = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]);
    return {
      name: win.name,
      sampledMs: a.total,
      idleMs: a.idle,
      topFunctions: sorted(a.fns)
        .slice(0, top)
        .map(([fn, selfMs]) => ({ fn, selfMs, pct: (100 * selfMs) / (a.total || 1) })),
      byArea: sorted(a.areas).map(([ar, selfMs]) => ({
        area: ar,
        selfMs,
        pct: (100 * selfMs) / (a.total || 1),
      })),
    };
  });
}
