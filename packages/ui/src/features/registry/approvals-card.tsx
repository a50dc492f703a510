/**
 * The version page's approval workflow: open transition requests with the decisions the server allows
 * the acting user, a form to request a stage or alias, comments, and the version's history newest first.
 */
import { useState } from 'react';
import { MODEL_VERSION_STAGES, type ActivityJson } from '@loom/protocol';
import { loom } from '../../api';
import { Card } from '../../components/card';
import { Markdown } from '../../components/markdown';
import { ErrorBox, Loading } from '../../components/states';
import { useActingUser } from '../../lib/acting-user';
import { formatTime } from '../../lib/format';
import { navigate, paths, useLocation, withParams } from '../../lib/router';
import { useAsync } from '../../lib/use-async';
import {
  activityActions,
  approvalNeedsArchiveChoice,
  describeActivity,
  filterHistory,
  HISTORY_FILTERS,
  newestFirst,
  openRequests,
  parseHistoryFilter,
  requestRef,
  targetLabel,
} from './activity';
import { useAction, type Action } from '../../lib/use-action';

export function ApprovalsCard({
  name,
  version,
  currentStage,
  onMoved,
}: {
  name: string;
  version: string;
  currentStage: string;
  /** Called after every change: an approval may have moved the version's stage or an alias. */
  onMoved: () => void;
}) {
  // available_actions are computed for the caller: load again when the acting user changes.
  const user = useActingUser();
  const { query } = useLocation();
  const filter = parseHistoryFilter(query.get('history'));
  const activities = useAsync(
    (signal) => loom.listModelVersionActivities(name, version, { signal }),
    [name, version, user],
  );
  const action = useAction(() => {
    activities.reload();
    onMoved();
  });

  if (activities.status === 'loading')
    return (
      <Card title="Approvals & activity">
        <Loading label="Loading requests and history…" />
      </Card>
    );
  if (activities.status === 'error')
    return (
      <Card title="Approvals & activity">
        <ErrorBox
          title="Could not load requests and history"
          error={activities.error}
          onRetry={activities.reload}
        />
      </Card>
    );

  const open = openRequests(activities.data);
  const history = filterHistory(newestFirst(activities.data), filter);
  return (
    <Card title="Approvals & activity" count={open.length}>
      {action.error && <ErrorBox title="That did not work" error={new Error(action.error)} />}
      <section className="approvals-section" aria-label="Open requests">
        <h3>Open requests</h3>
        {open.length === 0 ? (
          <div className="muted" data-testid="no-open-requests">
            No open requests.
          </div>
        ) : (
          <ul className="activity-list">
            {open.map((r) => (
              <OpenRequest key={r.id} request={r} user={user} action={action} name={name} version={version} />
            ))}
          </ul>
        )}
        <RequestTransitionForm
          key={currentStage}
          currentStage={currentStage}
          busy={action.busy}
          onRequest={(target, comment) =>
            action.run(() =>
              loom.createTransitionRequest({ name, version, ...target, comment: comment || undefined }),
            )
          }
        />
      </section>
      <section className="approvals-section" aria-label="History">
        <div className="approvals-heading">
          <h3>History</h3>
          <select
            className="input input-sm"
            aria-label="Show in history"
            value={filter}
            onChange={(e) => {
              const history = e.target.value === 'all' ? '' : e.target.value;
              navigate(paths.modelVersion(name, version, withParams(query, { history })), { replace: true });
            }}
          >
            {HISTORY_FILTERS.map((f) => (
              <option key={f} value={f}>
                {f === 'all' ? 'Everything' : f[0]!.toUpperCase() + f.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <CommentForm
          busy={action.busy}
          onComment={(text) => action.run(() => loom.createComment(name, version, text))}
        />
        {history.length === 0 ? (
          <div className="muted">Nothing here yet.</div>
        ) : (
          <ol className="activity-list" aria-label="Activity history">
            {history.map((a) => (
              <HistoryEntry key={a.id} activity={a} action={action} />
            ))}
          </ol>
        )}
      </section>
    </Card>
  );
}

function OpenRequest({
  request,
  user,
  action,
  name,
  version,
}: {
  request: ActivityJson;
  user: string;
  action: Action;
  name: string;
  version: string;
}) {
  const [comment, setComment] = useState('');
  const [archive, setArchive] = useState(false);
  const can = activityActions(request);
  const target = targetLabel(request);
  const ref = requestRef(name, version, request);
  const note = comment.trim() || undefined;
  const decide = (change: () => Promise<unknown>) =>
    void action.run(change).then((ok) => ok && setComment(''));
  const mine = request.user_id === (user || 'anonymous');
  return (
    <li
      className="activity activity-open"
      data-testid="open-request"
      aria-label={`Request to move to ${target}`}
    >
      <div className="activity-line">
        <strong>{describeActivity(request)}</strong>
        <span className="muted"> · {formatTime(request.creation_timestamp)}</span>
      </div>
      {request.comment && <Markdown source={request.comment} />}
      {can.approve || can.reject || can.cancel ? (
        <div className="registry-form">
          <input
            className="input input-sm decision-input"
            aria-label={`Comment on the request to ${target}`}
            placeholder="Comment (optional)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          {can.approve && approvalNeedsArchiveChoice(request) && (
            <label className="check">
              <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.target.checked)} />
              Archive other {target} versions
            </label>
          )}
          {can.approve && (
            <button
              type="button"
              className="btn btn-sm btn-primary"
              disabled={action.busy}
              onClick={() =>
                decide(() =>
                  loom.approveTransitionRequest({
                    ...ref,
                    comment: note,
                    archiveExistingVersions: approvalNeedsArchiveChoice(request) ? archive : undefined,
                  }),
                )
              }
            >
              Approve
            </button>
          )}
          {can.reject && (
            <button
              type="button"
              className="btn btn-sm danger"
              disabled={action.busy}
              onClick={() => decide(() => loom.rejectTransitionRequest({ ...ref, comment: note }))}
            >
              Reject
            </button>
          )}
          {can.cancel && (
            <button
              type="button"
              className="btn btn-sm"
              disabled={action.busy}
              onClick={() =>
                decide(() =>
                  loom.deleteTransitionRequest({ ...ref, creator: request.user_id, comment: note }),
                )
              }
            >
              Cancel request
            </button>
          )}
        </div>
      ) : null}
      {!can.approve && (
        <div className="muted approvals-hint">
          {mine
            ? 'You requested this: someone else with manage permission must approve it.'
            : 'Approving needs manage permission on this model.'}
        </div>
      )}
    </li>
  );
}

type Target = { stage: string } | { alias: string };

function RequestTransitionForm({
  currentStage,
  busy,
  onRequest,
}: {
  currentStage: string;
  busy: boolean;
  onRequest: (target: Target, comment: string) => Promise<boolean>;
}) {
  const stages = MODEL_VERSION_STAGES.filter((s) => s !== currentStage);
  const [kind, setKind] = useState<string>(stages[0] ?? 'alias');
  const [alias, setAlias] = useState('');
  const [comment, setComment] = useState('');
  const target: Target | undefined =
    kind === 'alias'
      ? alias.trim()
        ? { alias: alias.trim().replace(/^@/, '') }
        : undefined
      : { stage: kind };
  return (
    <form
      className="request-form"
      aria-label="Request a transition"
      onSubmit={(e) => {
        e.preventDefault();
        if (!target) return;
        void onRequest(target, comment.trim()).then((ok) => {
          if (!ok) return;
          setAlias('');
          setComment('');
        });
      }}
    >
      <h3>Request a transition</h3>
      <div className="registry-form">
        <select
          className="input input-sm"
          aria-label="Request target"
          value={kind}
          onChange={(e) => setKind(e.target.value)}
        >
          {stages.map((s) => (
            <option key={s} value={s}>
              Stage {s}
            </option>
          ))}
          <option value="alias">An alias…</option>
        </select>
        {kind === 'alias' && (
          <input
            className="input input-sm"
            aria-label="Requested alias"
            placeholder="champion"
            value={alias}
            onChange={(e) => setAlias(e.target.value)}
          />
        )}
      </div>
      <textarea
        className="input comment-input"
        aria-label="Request comment"
        placeholder="Why this version? (Markdown, optional)"
        rows={2}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <div className="registry-form">
        <button type="submit" className="btn btn-sm btn-primary" disabled={busy || !target}>
          Request transition
        </button>
      </div>
    </form>
  );
}

function CommentForm({ busy, onComment }: { busy: boolean; onComment: (text: string) => Promise<boolean> }) {
  const [text, setText] = useState('');
  return (
    <form
      className="request-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        void onComment(text).then((ok) => ok && setText(''));
      }}
    >
      <textarea
        className="input comment-input"
        aria-label="New comment"
        placeholder="Add a comment (Markdown)"
        rows={2}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="registry-form">
        <button type="submit" className="btn btn-sm" disabled={busy || !text.trim()}>
          Add comment
        </button>
      </div>
    </form>
  );
}

function HistoryEntry({ activity: a, action }: { activity: ActivityJson; action: Action }) {
  const [draft, setDraft] = useState<string | undefined>();
  const can = activityActions(a);
  const edited = a.activity_type === 'NEW_COMMENT' && a.last_updated_timestamp > a.creation_timestamp;
  return (
    <li className={`activity activity-${a.activity_type.toLowerCase()}`} data-testid="activity">
      <div className="activity-line">
        <strong>{describeActivity(a)}</strong>
        <span className="muted">
          {' '}
          · {formatTime(a.creation_timestamp)}
          {edited && ' (edited)'}
        </span>
        {draft === undefined && can.edit && (
          <button type="button" className="link-button" onClick={() => setDraft(a.comment ?? '')}>
            Edit
          </button>
        )}
        {draft === undefined && can.delete && (
          <button
            type="button"
            className="link-button muted"
            disabled={action.busy}
            onClick={() => void action.run(() => loom.deleteComment(a.id))}
          >
            Delete
          </button>
        )}
      </div>
      {draft !== undefined ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!draft.trim()) return;
            void action.run(() => loom.updateComment(a.id, draft)).then((ok) => ok && setDraft(undefined));
          }}
        >
          <textarea
            className="input comment-input"
            aria-label="Edit comment"
            rows={3}
            value={draft}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
          />
          <div className="registry-form">
            <button type="submit" className="btn btn-sm btn-primary" disabled={action.busy || !draft.trim()}>
              Save comment
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setDraft(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        a.comment && <Markdown source={a.comment} />
      )}
      {a.system_comment && <div className="muted activity-system">{a.system_comment}</div>}
    </li>
  );
}
