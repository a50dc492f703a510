/** A one-field form that creates something by name, showing the server's refusal under the field. */
import { useState, type FormEvent } from 'react';
import { errorText } from '../api';

export function CreateByName({
  label,
  button,
  create,
}: {
  /** Placeholder and accessible name of the field, e.g. "New experiment name". */
  label: string;
  button: string;
  /** Creates it; the field is cleared when this resolves (it may also navigate away). */
  create: (name: string) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      await create(name.trim());
      setName('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="create-form" onSubmit={(ev) => void submit(ev)}>
      <input
        className="input"
        placeholder={label}
        aria-label={label}
        value={name}
        onChange={(ev) => setName(ev.target.value)}
      />
      <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
        {busy ? 'Creating…' : button}
      </button>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
