/**
 * The top bar's "Acting as" control, on servers without sign-in (no `--app-name basic-auth`): the name
 * chosen here is sent with every request and recorded by the server as the user (approvals, comments,
 * audit log) — unchecked. With sign-in on, the user menu replaces it.
 */
import { useState } from 'react';
import { parseUserName, setActingUser, useActingUser } from '../lib/acting-user';

const HONESTY =
  'Identification, not authentication: this name is sent as the HTTP Basic user and recorded as ' +
  'who made each change, but no password is checked. Anyone can type any name unless the server ' +
  'runs with sign-in (--app-name basic-auth).';

export function ActingAs() {
  const user = useActingUser();
  const [draft, setDraft] = useState<string | undefined>();
  const parsed = draft === undefined ? undefined : parseUserName(draft);
  if (draft === undefined)
    return (
      <button
        type="button"
        className="topnav acting-as"
        title={HONESTY}
        data-testid="acting-as"
        onClick={() => setDraft(user)}
      >
        Acting as <strong>{user || 'anonymous'}</strong>
      </button>
    );
  return (
    <form
      className="acting-as-form"
      title={HONESTY}
      onSubmit={(e) => {
        e.preventDefault();
        if (!parsed || 'problem' in parsed) return;
        setActingUser(parsed.user);
        setDraft(undefined);
      }}
    >
      <input
        className="input input-sm"
        aria-label="Act as user"
        placeholder="user name (empty: anonymous)"
        value={draft}
        autoFocus
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setDraft(undefined)}
      />
      <button type="submit" className="btn btn-sm" disabled={!parsed || 'problem' in parsed}>
        Act as
      </button>
      <button type="button" className="btn btn-sm btn-ghost" onClick={() => setDraft(undefined)}>
        Cancel
      </button>
      <span className="acting-as-note">
        {parsed && 'problem' in parsed ? parsed.problem : 'Not a sign-in: no password is checked.'}
      </span>
    </form>
  );
}
