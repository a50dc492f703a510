/** MLflow's download mime rule (`mlflow/utils/mime_type_utils.py`): text first, then a standard table. */

// Shown as text by the UI's artifact viewer; `MLmodel`/`MLproject` are matched as whole extension-less names.
// prettier-ignore
const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml', 'yaml',
  'yml', 'xml', 'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'MLproject',
]);

// The common part of Python's `mimetypes` table, which MLflow consults for everything else.
const STANDARD_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  ico: 'image/vnd.microsoft.icon',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  pdf: 'application/pdf',
  zip: 'application/zip',
  tar: 'application/x-tar',
  wasm: 'application/wasm',
  sh: 'application/x-sh',
  wav: 'audio/x-wav',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  c: 'text/plain',
  h: 'text/plain',
  bat: 'text/plain',
};

// Python's `mimetypes` looks through compression suffixes (`data.csv.gz` → text/csv) and `.tgz`.
const ENCODING_SUFFIXES = new Set(['gz', 'bz2', 'xz', 'br', 'Z']);
const SUFFIX_ALIASES: Readonly<Record<string, string>> = {
  tgz: 'tar',
  taz: 'tar',
  tz: 'tar',
  tbz2: 'tar',
  txz: 'tar',
};

const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1);
};

function standardType(name: string): string | undefined {
  let ext = extensionOf(name);
  if (ENCODING_SUFFIXES.has(ext)) ext = extensionOf(name.slice(0, name.length - ext.length - 1));
  ext = SUFFIX_ALIASES[ext.toLowerCase()] ?? ext;
  // Python tries the exact case first, then lower case.
  return STANDARD_TYPES[ext] ?? STANDARD_TYPES[ext.toLowerCase()];
}

/** The `Content-Type` MLflow serves an artifact download with, from its file name. */
export function guessMimeType(filePath: string): string {
  const name = filePath.slice(filePath.lastIndexOf('/') + 1);
  const ext = extensionOf(name) || name;
  if (TEXT_EXTENSIONS.has(ext)) return 'text/plain';
  return standardType(name) ?? 'application/octet-stream';
}
