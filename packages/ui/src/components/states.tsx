/** The loading, error and empty states every view shows instead of a blank screen. */
import type { ReactNode } from 'react';
import { errorText } from '../api';

/** A spinner with a label. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** A red box with the server's message and, when given, a retry button. */
export function ErrorBox({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <div className="state state-error" role="alert">
      <div>
        <strong>{title ?? 'Something went wrong'}</strong>
        <div className="state-detail">{errorText(error)}</div>
      </div>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** A quiet placeholder for "nothing here yet". */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="state-detail">{children}</div>}
    </div>
  );
}

/** A page whose data is not there yet: its header over the spinner, or over the error with a retry. */
export function PendingPage({
  header,
  state,
  loadingLabel,
  errorTitle,
}: {
  header: ReactNode;
  state: { status: 'loading' | 'error'; error?: unknown; reload: () => void };
  loadingLabel: string;
  errorTitle?: string;
}) {
  return (
    <div className="page">
      {header}
      {state.status === 'loading' ? (
        <Loading label={loadingLabel} />
      ) : (
        <ErrorBox title={errorTitle} error={state.error} onRetry={state.reload} />
      )}
    </div>
  );
}
