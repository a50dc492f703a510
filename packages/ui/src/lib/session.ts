/**
 * Whether the server authenticates, and who the browser is signed in as. With the basic-auth app the
 * browser's own HTTP Basic prompt signs in (the server answers 401 with `WWW-Authenticate`), so the
 * browser sends those credentials itself; the UI must then send no "acting as" header of its own,
 * which would replace them.
 */
import { useSyncExternalStore } from 'react';
import { createClient, type CurrentUserJson } from '@loom/client';

export type Session =
  | { status: 'loading' }
  | { status: 'off' }
  | { status: 'on'; user: CurrentUserJson }
  | { status: 'error'; error: unknown };

// No custom headers: the probe must carry only what the browser itself adds (its Basic credentials).
const probe = createClient();
let session: Session = { status: 'loading' };
const listeners = new Set<() => void>();

function set(next: Session): void {
  session = next;
  for (const l of listeners) l();
}

let started = false;
/** Asks the server once who the caller is; `off` when it runs without authentication. */
export function loadSession(): void {
  if (started) return;
  started = true;
  probe.getCurrentUser().then(
    (user) => set(user ? { status: 'on', user } : { status: 'off' }),
    (error: unknown) => set({ status: 'error', error }),
  );
}

/** True once the server is known to authenticate: the UI then leaves `Authorization` to the browser. */
export function authIsOn(): boolean {
  return session.status === 'on';
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

export function useSession(): Session {
  return useSyncExternalStore(subscribe, () => session);
}
