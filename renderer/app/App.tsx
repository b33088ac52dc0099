import { useCallback, useEffect, useState } from 'react';
import type { AppStatus } from '../../src/api/index.ts';
import { useApi, useApiEvents } from '../api/context.tsx';
import { describeError } from '../api/client.ts';
import { Mailbox } from '../mail/Mailbox.tsx';
import { Onboarding } from '../onboarding/Onboarding.tsx';
import { Unlock } from '../onboarding/Unlock.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useTheme } from './theme.ts';
import { ThemeToggle } from './ThemeToggle.tsx';

/** Routes by the engine's phase: onboarding, unlock, or the mailbox. */
export function App() {
  const api = useApi();
  const { theme, toggle } = useTheme();
  const [status, setStatus] = useState<AppStatus>();
  const [error, setError] = useState<string>();

  const refresh = useCallback(() => {
    api.call('status', {}).then(setStatus, (failure: unknown) => {
      setError(describeError(failure));
    });
  }, [api]);
  useEffect(refresh, [refresh]);
  useApiEvents((event) => {
    if (event.type === 'status') setStatus(event.status);
    if (event.type === 'account') {
      // Connection changes arrive often: update the account in place; ask only for a new one.
      const known = status?.accounts.some((account) => account.id === event.account.id) ?? false;
      if (!known) refresh();
      else
        setStatus((current) =>
          current === undefined
            ? current
            : {
                ...current,
                accounts: current.accounts.map((account) =>
                  account.id === event.account.id ? event.account : account,
                ),
              },
        );
    }
  });

  const themeToggle = <ThemeToggle theme={theme} onToggle={toggle} />;
  if (status === undefined) {
    return (
      <main className="centered">
        {error === undefined ? <p role="status">Starting MT2…</p> : <ErrorAlert message={error} />}
      </main>
    );
  }
  switch (status.phase) {
    case 'needs-onboarding':
      return <Onboarding onDone={setStatus} themeToggle={themeToggle} />;
    case 'locked':
      return <Unlock onDone={setStatus} themeToggle={themeToggle} />;
    case 'ready':
      return <Mailbox status={status} themeToggle={themeToggle} />;
  }
}
