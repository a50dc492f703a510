/**
 * The preview of one artifact file, chosen by its name: text, pretty JSON, YAML, CSV/TSV as a table,
 * images, HTML in a sandbox, MLmodel as a card. Only the head of a large file is fetched; the rest
 * is a download away.
 */
import type { ReactNode } from 'react';
import { loom } from '../../api';
import { ErrorBox, Loading } from '../../components/states';
import { useAsync } from '../../lib/use-async';
import { parseDelimited } from './delimited';
import { formatBytes } from './format-bytes';
import { MlModelCard } from './mlmodel-card';
import { previewKind, type PreviewKind } from './preview-kind';

/** Bytes read for a text-like preview; more is offered as a download. */
const TEXT_PREVIEW_BYTES = 1024 * 1024;
/** Images above this are not loaded inline. */
const IMAGE_PREVIEW_BYTES = 25 * 1024 * 1024;
const TABLE_PREVIEW_ROWS = 500;

/**
 * What an HTML artifact may do inside its frame: nothing but show itself. With `sandbox` (and no
 * allow-scripts) it runs no script and has an opaque origin; the CSP also blocks every fetch, so
 * a page cannot even load a tracking pixel.
 */
const HTML_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";

export function ArtifactPreview({
  runId,
  path,
  size,
}: {
  runId: string;
  path: string;
  size: number | undefined;
}) {
  const name = path.split('/').pop() ?? path;
  const kind = previewKind(path);
  const download = loom.artifactDownloadUrl(runId, path);
  return (
    <>
      <header className="preview-header">
        <span className="mono break" data-testid="preview-path">
          {path}
        </span>
        {size !== undefined && <span className="muted">{formatBytes(size)}</span>}
        <a className="btn btn-sm" href={download} download={name}>
          Download
        </a>
      </header>
      <div className="preview-body" data-kind={kind}>
        {kind === 'image' ? (
          size !== undefined && size > IMAGE_PREVIEW_BYTES ? (
            <TooLarge size={size} download={download} />
          ) : (
            <img className="preview-image" src={download} alt={name} />
          )
        ) : kind === 'none' ? (
          <p className="muted">
            No preview for this kind of file. <a href={download}>Download it</a> to open it.
          </p>
        ) : (
          <TextualPreview runId={runId} path={path} kind={kind} download={download} />
        )}
      </div>
    </>
  );
}

function TextualPreview({
  runId,
  path,
  kind,
  download,
}: {
  runId: string;
  path: string;
  kind: Exclude<PreviewKind, 'image' | 'none'>;
  download: string;
}) {
  const head = useAsync(
    async (signal) => {
      const { bytes, truncated } = await loom.getArtifactHead(runId, path, TEXT_PREVIEW_BYTES, { signal });
      // A cut may fall inside a multi-byte character: decode leniently.
      return { text: new TextDecoder().decode(bytes), truncated };
    },
    [runId, path],
  );
  if (head.status === 'loading') return <Loading label="Loading preview…" />;
  if (head.status === 'error')
    return <ErrorBox title="Could not load this file" error={head.error} onRetry={head.reload} />;
  const { text, truncated } = head.data;
  const note = truncated && (
    <p className="muted preview-note" data-testid="preview-truncated">
      Showing the first {formatBytes(TEXT_PREVIEW_BYTES)}. <a href={download}>Download the whole file</a>.
    </p>
  );
  return (
    <>
      {note}
      {render(kind, text, truncated, download)}
    </>
  );
}

function render(
  kind: Exclude<PreviewKind, 'image' | 'none'>,
  text: string,
  truncated: boolean,
  download: string,
): ReactNode {
  switch (kind) {
    case 'json':
      return <pre className="code-block preview-text">{truncated ? text : prettyJson(text)}</pre>;
    case 'csv':
    case 'tsv':
      return <DelimitedPreview text={text} delimiter={kind === 'csv' ? ',' : '\t'} cutOff={truncated} />;
    case 'html':
      // A partial page could render as anything; whole pages only.
      return truncated ? (
        <p className="muted">
          This page is too large to show here. <a href={download}>Download it</a>.
        </p>
      ) : (
        <iframe
          className="preview-html"
          title="HTML preview"
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={`<!doctype html><meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">${text}`}
        />
      );
    case 'mlmodel':
      return <MlModelCard text={text} />;
    case 'yaml':
    case 'text':
      return <pre className="code-block preview-text">{text}</pre>;
  }
}

/** JSON indented by two; text that does not parse is shown as it is. */
function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function DelimitedPreview({
  text,
  delimiter,
  cutOff,
}: {
  text: string;
  delimiter: ',' | '\t';
  cutOff: boolean;
}) {
  const table = parseDelimited(text, delimiter, TABLE_PREVIEW_ROWS, cutOff);
  return (
    <>
      <p className="muted preview-note">
        {table.rows.length.toLocaleString()} row{table.rows.length === 1 ? '' : 's'}
        {table.truncated ? ' shown (the file has more)' : ''}
      </p>
      <div className="table-scroll preview-table">
        <table className="table table-compact" aria-label="Table preview">
          <thead>
            <tr>
              {table.header.map((h, i) => (
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c} className="mono">
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function TooLarge({ size, download }: { size: number; download: string }) {
  return (
    <p className="muted">
      This image is {formatBytes(size)}, too large to show here. <a href={download}>Download it</a>.
    </p>
  );
}
