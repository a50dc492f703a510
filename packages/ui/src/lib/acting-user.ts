/**
 * Who the browser says it is on a server without sign-in: the user name typed into the top bar is kept in
 * localStorage and sent as the user of an HTTP Basic header, which the server records without checking
 * a password. This identifies the caller; it does not authenticate them.
 */
import { useSyncExternalStore } from 'react';
import { basicAuthHeaders } from '@loom/client';

const STORAGE_KEY = 'loom.actingUser';
const CHANGE = 'loom:acting-user';

/** A user name as typed, or why it cannot be one (HTTP Basic cannot carry a colon in the user part). */
export function parseUserName(input: string): { user: string } | { problem: string } {
  const user = input.trim();
  if (user.includes(':')) return { problem: 'A user name cannot contain ":".' };
  if (user.length > 256) return { problem: 'A user name is at most 256 characters.' };
  return { user };
}

/** The stored user name; '' when none is set (the server then names the caller `anonymous`). */
export function readActingUser(): string {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? '';
  } catch {
    // Storage may be disabled (privacy settings): act as anonymous.
    return '';
  }
}

/** Stores `user` ('' clears it) and tells every `useActingUser` on the page. */
export function setActingUser(user: string): void {
  try {
    if (user) localStorage.setItem(STORAGE_KEY, user);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Without storage the choice cannot be kept; nothing else to do.
  }
  window.dispatchEvent(new Event(CHANGE));
}

/** The headers that name the acting user on a request; none when acting as anonymous. */
export function actingUserHeaders(user: string = readActingUser()): Record<string, string> {
  return user ? basicAuthHeaders(user) : {};
}

function subscribe(onChange: () => void): () => void {
  // `storage` fires when another tab changes the user; CHANGE when this one does.
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

/** The acting user name ('' for anonymous), re-rendering when it changes. */
export function useActingUser(): string {
  return useSyncExternalStore(subscribe, readActingUser);
}
