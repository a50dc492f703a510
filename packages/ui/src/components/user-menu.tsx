/**
 * The top bar's menu for the signed-in user (servers with authentication): who, whether admin, their
 * API tokens, the admin page, and signing out.
 */
import type { CurrentUserJson } from '@loom/client';
import { paths } from '../lib/router';
import { Link } from './link';

const SIGN_OUT_NOTE =
  'Your browser, not Loom, keeps your sign-in. Sign out tries to replace it with invalid ' +
  'credentials, which works in some browsers; closing every browser window always does.';

/**
 * Best effort: an XHR with explicit, invalid credentials can replace the browser's cached Basic
 * credentials for this origin (browsers differ); then back to the start page, which prompts if it did.
 */
function signOut(): void {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', '/api/2.0/loom/users/current', true, 'signed-out', 'signed-out');
  xhr.onloadend = () => window.location.assign('/');
  xhr.send();
}

export function UserMenu({ user }: { user: CurrentUserJson }) {
  return (
    <details className="popover user-menu">
      <summary className="topnav" data-testid="user-menu">
        Signed in as <strong>{user.username}</strong>
        {user.is_admin && <span className="badge badge-admin">admin</span>}
      </summary>
      <div className="popover-body user-menu-body" role="menu" aria-label="User menu">
        <Link href={paths.tokens()} role="menuitem">
          API tokens
        </Link>
        {user.is_admin && (
          <Link href={paths.adminUsers()} role="menuitem">
            Users and permissions
          </Link>
        )}
        <button type="button" className="btn btn-sm" role="menuitem" onClick={signOut}>
          Sign out
        </button>
        <p className="muted user-menu-note">{SIGN_OUT_NOTE}</p>
      </div>
    </details>
  );
}
