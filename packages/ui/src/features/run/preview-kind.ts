/** Which preview an artifact file gets, by its name (MLflow's viewer decides the same way). */

export type PreviewKind = 'mlmodel' | 'json' | 'yaml' | 'csv' | 'tsv' | 'image' | 'html' | 'text' | 'none';

const BY_EXTENSION: Readonly<Record<string, PreviewKind>> = {
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  csv: 'csv',
  tsv: 'tsv',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
  bmp: 'image',
  svg: 'image',
  html: 'html',
  htm: 'html',
  txt: 'text',
  log: 'text',
  md: 'text',
  py: 'text',
  r: 'text',
  sh: 'text',
  ts: 'text',
  js: 'text',
  toml: 'text',
  ini: 'text',
  cfg: 'text',
  xml: 'text',
  sql: 'text',
  jsonl: 'text',
  ndjson: 'text',
};

/** Names without an extension that are text in MLflow's world. */
const TEXT_NAMES = new Set(['MLproject', 'Dockerfile', 'LICENSE', 'README', 'requirements.txt']);

/** The preview kind of the file at `path`. */
export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? path;
  if (name === 'MLmodel') return 'mlmodel';
  if (TEXT_NAMES.has(name)) return 'text';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'none';
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? 'none';
}
