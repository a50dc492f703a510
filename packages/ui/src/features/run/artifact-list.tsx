/** A run's artifacts as a folder tree: folders open in place, files download. */
import { useState } from 'react';
import type { FileInfoJson } from '@loom/protocol';
import { loom } from '../../api';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { useAsync } from '../../lib/use-async';

/** `1.2 MB`. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function ArtifactList({ runId }: { runId: string }) {
  return <Folder runId={runId} path="" depth={0} />;
}

function Folder({ runId, path, depth }: { runId: string; path: string; depth: number }) {
  const listing = useAsync((signal) => loom.listArtifacts(runId, path, { signal }), [runId, path]);
  if (listing.status === 'loading') return <Loading label="Listing artifacts…" />;
  if (listing.status === 'error')
    return <ErrorBox title="Could not list artifacts" error={listing.error} onRetry={listing.reload} />;
  const files = [...listing.data.files].sort(
    (a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path),
  );
  if (files.length === 0)
    return depth === 0 ? (
      <Empty title="No artifacts">Files logged with log_artifact show up here.</Empty>
    ) : (
      <div className="muted tree-empty">empty folder</div>
    );
  return (
    <ul className="tree" data-testid={depth === 0 ? 'artifact-list' : undefined}>
      {files.map((f) => (
        <Entry key={f.path} runId={runId} file={f} depth={depth} />
      ))}
    </ul>
  );
}

function Entry({ runId, file, depth }: { runId: string; file: FileInfoJson; depth: number }) {
  const [open, setOpen] = useState(false);
  const name = file.path.split('/').pop() ?? file.path;
  if (file.is_dir) {
    return (
      <li>
        <button
          type="button"
          className="tree-row tree-dir"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          <span className="tree-caret">{open ? '▾' : '▸'}</span>
          <FolderIcon />
          {name}
        </button>
        {open && <Folder runId={runId} path={file.path} depth={depth + 1} />}
      </li>
    );
  }
  return (
    <li>
      <a className="tree-row" href={loom.artifactDownloadUrl(runId, file.path)} download={name}>
        <span className="tree-caret" />
        <FileIcon />
        <span className="tree-name">{name}</span>
        <span className="muted tree-size">{formatBytes(file.file_size)}</span>
      </a>
    </li>
  );
}

function FolderIcon() {
  return (
    <svg className="tree-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M1.5 3.5h4l1.5 1.5h7.5v8h-13z"
        fill="#fcd34d"
        stroke="#d97706"
        strokeWidth="1"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function FileIcon() {
  return (
    <svg className="tree-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M3.5 1.5h6l3 3v10h-9z" fill="#fff" stroke="#8b93a1" strokeWidth="1" strokeLinejoin="round" />
      <path d="M9.5 1.5v3h3" fill="none" stroke="#8b93a1" strokeWidth="1" />
    </svg>
  );
}
