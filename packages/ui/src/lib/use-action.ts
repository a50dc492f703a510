/** A change made from a page: busy while it runs, its error kept for the page to show, then a reload. */
import { useCallback, useState } from 'react';
import { errorText } from '../api';

export interface Action {
  busy: boolean;
  error: string | undefined;
  /** Runs `change`, then `after` (typically the page's reload); answers whether it succeeded. */
  run: (change: () => Promise<unknown>) => Promise<boolean>;
  clearError: () => void;
}

export function useAction(after: () => void): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = useCallback(
    async (change: () => Promise<unknown>) => {
      setBusy(true);
      setError(undefined);
      try {
        await change();
        after();
        return true;
      } catch (err) {
        setError(errorText(err));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [after],
  );
  return { busy, error, run, clearError: useCallback(() => setError(undefined), []) };
}
