import { useState, type SyntheticEvent, type ReactNode } from 'react';
import type { AppStatus } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { TextField } from '../app/TextField.tsx';

export function Unlock({
  onDone,
  themeToggle,
}: {
  onDone: (status: AppStatus) => void;
  themeToggle: ReactNode;
}) {
  const api = useApi();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api.call('unlock', { passphrase }));
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <main className="centered">
      <header className="onboarding-header">
        <h1>Unlock MT2</h1>
        {themeToggle}
      </header>
      <form aria-label="Unlock" onSubmit={(e) => void submit(e)}>
        <TextField
          label="Passphrase"
          type="password"
          required
          autoFocus
          autoComplete="current-password"
          value={passphrase}
          onChange={setPassphrase}
        />
        <ErrorAlert message={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
    </main>
  );
}
