import { useState } from 'react';
import type { ConsentDefaultView, ConsentRule } from '../../src/api/index.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { extensionName } from './RequestCard.tsx';
import { useAction } from './use-call.ts';

/** The engine's `extension` for a default covering everything from one sender. */
const EVERY_EXTENSION = '*';
const SCOPES = [EVERY_EXTENSION, 'vcard', 'chess', 'mailingList', 'disposition'] as const;
const RULES: readonly ConsentRule[] = ['ask', 'always', 'never'];

const scopeName = (extension: string) =>
  extension === EVERY_EXTENSION ? 'Everything' : extensionName(extension);

/** Per-sender defaults: the ones set, and a form to set one for one extension or for all. */
export function SenderDefaults({
  defaults,
  reload,
}: {
  defaults: readonly ConsentDefaultView[];
  reload: () => void;
}) {
  const api = useApi();
  const action = useAction();
  const [sender, setSender] = useState('');
  const [extension, setExtension] = useState<string>(EVERY_EXTENSION);
  const [rule, setRule] = useState<ConsentRule>('always');
  const bySender = defaults.filter((entry) => entry.sender !== undefined);
  return (
    <section aria-label="Defaults per sender">
      <h4>Per sender</h4>
      <ul>
        {bySender.map((entry) => (
          <li key={`${entry.extension} ${entry.sender ?? ''}`}>
            {scopeName(entry.extension)} from {entry.sender}: {entry.rule}
          </li>
        ))}
      </ul>
      <form
        aria-label="Set a default for a sender"
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(() => api.call('setConsentDefault', { extension, sender, rule }), reload);
        }}
      >
        <label>
          Sender{' '}
          <input
            type="email"
            required
            value={sender}
            onChange={(event) => {
              setSender(event.target.value);
            }}
          />
        </label>{' '}
        <label>
          Requests{' '}
          <select
            value={extension}
            onChange={(event) => {
              setExtension(event.target.value);
            }}
          >
            {SCOPES.map((scope) => (
              <option key={scope} value={scope}>
                {scopeName(scope)}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Rule{' '}
          <select
            value={rule}
            onChange={(event) => {
              setRule(RULES.find((candidate) => candidate === event.target.value) ?? 'ask');
            }}
          >
            {RULES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="submit">Set</button>
      </form>
      <ErrorAlert message={action.error} />
    </section>
  );
}
