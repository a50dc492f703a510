/** Loads data for a view: loading, error and data states, re-run when `deps` change, aborted when stale. */
import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'error'; data?: undefined; error: Error }
  | { status: 'ok'; data: T; error?: undefined };

/**
 * Runs `load` now and whenever `deps` change (showing loading again: the old data belongs to other
 * inputs, unless `keepDataOnChange`, for a list being narrowed as the user types); `reload()` runs it again and keeps showing the current data until the new one arrives.
 */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { keepDataOnChange?: boolean } = {},
): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const depsKey = useRef<unknown[] | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    const sameInputs =
      depsKey.current !== undefined && depsKey.current.every((d, i) => Object.is(d, deps[i]));
    depsKey.current = [...deps];
    const keep = sameInputs || options.keepDataOnChange === true;
    setState((s) => (keep && s.status === 'ok' ? s : { status: 'loading' }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ok', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => controller.abort();
    // The caller names what `load` depends on in `deps`.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
