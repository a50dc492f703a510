/**
 * A run's artifacts: a folder tree on the left, a preview of the chosen file on the right. The chosen
 * file lives in the URL (`?artifact=model/MLmodel`), so a preview can be linked to; its folders open
 * by themselves on such a link.
 */
import { useState } from 'react';
import type { FileInfoJson } from '@loom/protocol';
import { loom } from '../../api';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import { ArtifactPreview } from './artifact-preview';
import { formatBytes } from './format-bytes';

export function ArtifactBrowser({ runId }: { runId: string }) {
  const { query } = useLocation();
  const selected = query.get('artifact') ?? undefined;
  // The size comes from the listing; a deep link knows it only once the folder is listed.
  const [sizes, setSizes] = useState<ReadonlyMap<string, number>>(new Map());
  const select = (path: string) =>
    navigate(paths.run(runId, withParams(query, { artifact: path })), { replace: true });
  const remember = (files: FileInfoJson[]) =>
    setSizes((old) => {
      const fresh = files.filter((f) => !f.is_dir && f.file_size !== undefined && !old.has(f.path));
      if (fresh.length === 0) return old;
      const next = new Map(old);
      for (const f of fresh) next.set(f.path, f.file_size!);
      return next;
    });

  return (
    <div className="artifact-browser">
      <div className="artifact-tree">
        <Folder runId={runId} path="" depth={0} selected={selected} onSelect={select} onListed={remember} />
      </div>
      <div className="artifact-preview" data-testid="artifact-preview">
        {selected ? (
          <ArtifactPreview key={selected} runId={runId} path={selected} size={sizes.get(selected)} />
        ) : (
          <Empty title="Choose a file to preview it" />
        )}
      </div>
    </div>
  );
}

interface FolderProps {
  runId: string;
  path: string;
  depth: number;
  selected: string | undefined;
  onSelect: (path: string) => void;
  onListed: (files: FileInfoJson[]) => void;
}

function Folder(props: FolderProps) {
  const { runId, path, depth, onListed } = props;
  const listing = useAsync(
    async (signal) => {
      const result = await loom.listArtifacts(runId, path, { signal });
      onListed(result.files);
      return result;
    },
    [runId, path],
  );
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
        <Entry key={f.path} {...props} file={f} />
      ))}
    </ul>
  );
}

function Entry({ file, ...props }: FolderProps & { file: FileInfoJson }) {
  const { runId, depth, selected, onSelect } = props;
  const [open, setOpen] = useState(() => selected?.startsWith(`${file.path}/`) ?? false);
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
        {open && <Folder {...props} path={file.path} depth={depth + 1} />}
      </li>
    );
  }
  return (
    <li className={`tree-file${selected === file.path ? ' active' : ''}`}>
      <button
        type="button"
        className="tree-row"
        aria-current={selected === file.path ? 'true' : undefined}
        onClick={() => onSelect(file.path)}
      >
        <span className="tree-caret" />
        <FileIcon />
        <span className="tree-name">{name}</span>
        <span className="muted tree-size">{formatBytes(file.file_size)}</span>
      </button>
      <a
        className="tree-download"
        href={loom.artifactDownloadUrl(runId, file.path)}
        download={name}
        aria-label={`Download ${name}`}
        title="Download"
      >
        ⤓
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
