/**
 * Model URIs as MLflow spells them: local paths and `file://`, `runs:/<run_id>/<path>`,
 * `models:/<name>/<version|stage|latest>`, `models:/<name>@<alias>`, MLflow 3's `models:/<model_id>`
 * (one segment, no `@`: a logged model) and artifact URIs the tracking server proxies
 * (`mlflow-artifacts:/…`).
 */
import { invalidParameter } from '@loom/protocol';
import { fileURLToPath } from 'node:url';

export type ModelUri =
  | { kind: 'local'; path: string }
  | { kind: 'run'; runId: string; path: string }
  | { kind: 'registry'; name: string; version: string }
  | { kind: 'registry'; name: string; stage: string }
  | { kind: 'registry'; name: string; alias: string }
  | { kind: 'logged'; modelId: string }
  | { kind: 'artifacts'; uri: string };

/** Parses a model URI; INVALID_PARAMETER_VALUE with the accepted forms when it is malformed. */
export function parseModelUri(uri: string): ModelUri {
  if (uri.startsWith('runs:/')) {
    const m = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
    if (!m) throw malformed(uri);
    return { kind: 'run', runId: m[1]!, path: m[2]!.replace(/\/+$/, '') };
  }
  if (uri.startsWith('models:/')) {
    const rest = uri.slice('models:/'.length).replace(/^\/+|\/+$/g, '');
    const at = rest.lastIndexOf('@');
    if (at > 0 && !rest.slice(at).includes('/'))
      return { kind: 'registry', name: rest.slice(0, at), alias: rest.slice(at + 1) };
    if (rest && !rest.includes('/') && !rest.includes('@')) return { kind: 'logged', modelId: rest };
    const slash = rest.lastIndexOf('/');
    if (slash <= 0 || slash === rest.length - 1) throw malformed(uri);
    const name = rest.slice(0, slash);
    const which = rest.slice(slash + 1);
    return /^\d+$/.test(which)
      ? { kind: 'registry', name, version: which }
      : { kind: 'registry', name, stage: which };
  }
  if (uri.startsWith('mlflow-artifacts:') || /^https?:\/\//.test(uri)) return { kind: 'artifacts', uri };
  if (uri.startsWith('file:')) return { kind: 'local', path: fileURLToPath(uri) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw invalidParameter(
      `Model URI scheme of '${uri}' is not supported; use a local path, runs:/, models:/ or mlflow-artifacts:/`,
    );
  }
  return { kind: 'local', path: uri };
}

function malformed(uri: string) {
  return invalidParameter(
    `Not a valid model URI: '${uri}'. Use runs:/<run_id>/<path>, models:/<model_id>, models:/<name>/<version>, ` +
      'models:/<name>/<stage>, models:/<name>/latest, models:/<name>@<alias> or a local path',
  );
}
