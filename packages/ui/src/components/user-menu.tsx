/**
 * The top bar's menu for the signed-in user (servers with authentication): who, whether admin, their
 * API tokens, the admin page, and signing out.
 */
import type { CurrentUserJson } from '@loom/client';
import { paths } from '../lib/router';
import { Link } from './link';

const SIGN_OUT_NOTE =
  'The browser, not Loom, keeps HTTP Basic credentials. Signing out asks it to replace them with ' +
  'invalid ones; most browsers then prompt again, but to be sure close every window of the browser.';

/**
 * Replaces the browser's cached Basic credentials for this origin with invalid ones (an XHR with
 * explicit credentials updates that cache in Chromium and Firefox), then reloads so the browser prompts.
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
