/** Reloads a view every second while `pending` holds (a version still copying its files). */
import { useEffect } from 'react';

export function usePollWhile(pending: boolean, reload: () => void, intervalMs = 1000): void {
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(reload, intervalMs);
    return () => clearInterval(timer);
  }, [pending, reload, intervalMs]);
}
