import { useState, type SyntheticEvent, type ReactNode } from 'react';
import type { AppStatus } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { TextField } from '../app/TextField.tsx';
import { fileToBase64 } from './file-base64.ts';

type Mode = 'create' | 'import';

/** First run: a local identity on the embedded server, or a PKCS#12 file for a remote one. */
export function Onboarding({
  onDone,
  themeToggle,
}: {
  onDone: (status: AppStatus) => void;
  themeToggle: ReactNode;
}) {
  const [mode, setMode] = useState<Mode>('create');
  return (
    <main className="centered onboarding">
      <header className="onboarding-header">
        <h1>Welcome to MT2</h1>
        {themeToggle}
      </header>
      <div role="tablist" aria-label="How to start">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'create'}
          onClick={() => {
            setMode('create');
          }}
        >
          Create a local identity
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'import'}
          onClick={() => {
            setMode('import');
          }}
        >
          Import a .p12 file
        </button>
      </div>
      {mode === 'create' ? <CreateIdentity onDone={onDone} /> : <ImportIdentity onDone={onDone} />}
    </main>
  );
}

function usePassphrasePair() {
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const fields = (
    <>
      <TextField
        label="Passphrase (protects your key on this computer)"
        type="password"
        required
        autoComplete="new-password"
        value={passphrase}
        onChange={setPassphrase}
      />
      <TextField
        label="Repeat the passphrase"
        type="password"
        required
        autoComplete="new-password"
        value={repeat}
        onChange={setRepeat}
      />
    </>
  );
  return { passphrase, mismatch: passphrase !== repeat, fields };
}

function CreateIdentity({ onDone }: { onDone: (status: AppStatus) => void }) {
  const api = useApi();
  const [displayName, setDisplayName] = useState('');
  const [localPart, setLocalPart] = useState('');
  const { passphrase, mismatch, fields } = usePassphrasePair();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (mismatch) {
      setError('The two passphrases differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.call('createLocalIdentity', { displayName, localPart, passphrase });
      onDone(await api.call('status', {}));
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <form role="tabpanel" aria-label="Create a local identity" onSubmit={(e) => void submit(e)}>
      <TextField
        label="Your name"
        required
        maxLength={256}
        value={displayName}
        onChange={setDisplayName}
      />
      <TextField
        label="Address (the part before @)"
        required
        pattern="[a-z0-9][a-z0-9._\-]{0,63}"
        value={localPart}
        onChange={(value) => {
          setLocalPart(value.toLowerCase());
        }}
      />
      {fields}
      <ErrorAlert message={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Creating your identity…' : 'Create identity'}
      </button>
    </form>
  );
}

export function ImportIdentity({ onDone }: { onDone: (status: AppStatus) => void }) {
  const api = useApi();
  const [file, setFile] = useState<File>();
  const [p12Password, setP12Password] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const { passphrase, mismatch, fields } = usePassphrasePair();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const portNumber = Number(port);
    if (file === undefined) {
      setError('Pick a .p12 file.');
      return;
    }
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
      setError('The port is a number from 1 to 65535.');
      return;
    }
    if (mismatch) {
      setError('The two passphrases differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const p12 = await fileToBase64(file);
      await api.call('importIdentity', {
        p12,
        p12Password,
        passphrase,
        server: { host, port: portNumber },
      });
      onDone(await api.call('status', {}));
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <form role="tabpanel" aria-label="Import a .p12 file" onSubmit={(e) => void submit(e)}>
      <label>
        PKCS#12 file (.p12)
        <input
          type="file"
          accept=".p12,.pfx,application/x-pkcs12"
          required
          onChange={(e) => {
            setFile(e.target.files?.[0]);
          }}
        />
      </label>
      <TextField
        label="The file's password"
        type="password"
        autoComplete="off"
        value={p12Password}
        onChange={setP12Password}
      />
      <TextField label="Server host" required maxLength={253} value={host} onChange={setHost} />
      <TextField label="Server port" required inputMode="numeric" value={port} onChange={setPort} />
      {fields}
      <ErrorAlert message={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Importing…' : 'Import identity'}
      </button>
    </form>
  );
}
