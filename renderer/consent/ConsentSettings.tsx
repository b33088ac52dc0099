import { useState } from 'react';
import type { ConsentRule } from '../../src/api/index.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { extensionName } from './RequestCard.tsx';
import { SenderDefaults } from './SenderDefaults.tsx';
import { useAction, useConsentData } from './use-call.ts';

const EXTENSIONS = ['vcard', 'chess', 'mailingList', 'disposition'] as const;
const RULES: readonly ConsentRule[] = ['ask', 'always', 'never'];

function Defaults() {
  const api = useApi();
  const { data, error, reload } = useConsentData('listConsentDefaults', {});
  const action = useAction();
  const ruleOf = (extension: string) =>
    data?.find((entry) => entry.extension === extension && entry.sender === undefined)?.rule ??
    'ask';
  return (
    <section aria-label="Defaults">
      <h3>Defaults</h3>
      <p>“Always” never applies to a sender who is not verified.</p>
      <table>
        <tbody>
          {EXTENSIONS.map((extension) => (
            <tr key={extension}>
              <th scope="row">{extensionName(extension)}</th>
              <td>
                <select
                  aria-label={`Default for ${extensionName(extension)}`}
                  value={ruleOf(extension)}
                  onChange={(event) => {
                    const rule = RULES.find((candidate) => candidate === event.target.value);
                    if (rule !== undefined)
                      void action.run(
                        () => api.call('setConsentDefault', { extension, rule }),
                        reload,
                      );
                  }}
                >
                  {RULES.map((rule) => (
                    <option key={rule} value={rule}>
                      {rule}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <SenderDefaults defaults={data ?? []} reload={reload} />
      <ErrorAlert message={action.error ?? error} />
    </section>
  );
}

function MyCard() {
  const api = useApi();
  const { data, reload } = useConsentData('myVcard', {});
  const action = useAction();
  const [fullName, setFullName] = useState('');
  const [email, setEmail] = useState('');
  return (
    <section aria-label="Your vCard">
      <h3>Your vCard</h3>
      <p>{data?.fullName === undefined ? 'Not set up yet.' : `Shared as ${data.fullName}.`}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(
            () =>
              api.call('setMyVcard', {
                fullName,
                ...(email === '' ? {} : { emails: [email] }),
              }),
            reload,
          );
        }}
      >
        <label>
          Full name{' '}
          <input
            required
            value={fullName}
            onChange={(event) => {
              setFullName(event.target.value);
            }}
          />
        </label>{' '}
        <label>
          Email{' '}
          <input
            type="email"
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
            }}
          />
        </label>{' '}
        <button type="submit">Save vCard</button>
      </form>
      <ErrorAlert message={action.error} />
    </section>
  );
}

function Lists() {
  const api = useApi();
  const { data, reload } = useConsentData('listMemberships', {});
  const action = useAction();
  const [list, setList] = useState('');
  return (
    <section aria-label="Mailing lists">
      <h3>Mailing lists</h3>
      <ul>
        {data?.map((entry) => (
          <li key={entry.list}>
            {entry.name ?? entry.list} ({entry.status}){' '}
            {entry.status === 'member' ? (
              <button
                type="button"
                onClick={() =>
                  void action.run(() => api.call('unsubscribeList', { list: entry.list }), reload)
                }
              >
                Unsubscribe
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(() => api.call('subscribeList', { list }), reload);
        }}
      >
        <label>
          List address{' '}
          <input
            type="email"
            required
            value={list}
            onChange={(event) => {
              setList(event.target.value);
            }}
          />
        </label>{' '}
        <button type="submit">Subscribe</button>
      </form>
      <ErrorAlert message={action.error} />
    </section>
  );
}

function AuditLog() {
  const { data } = useConsentData('auditLog', {});
  return (
    <section aria-label="Audit log">
      <h3>Audit log</h3>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Extension</th>
            <th>Who</th>
            <th>What</th>
            <th>Decided by</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {data
            ?.slice()
            .reverse()
            .map((entry) => (
              <tr key={entry.seq}>
                <td>{new Date(entry.at).toLocaleString()}</td>
                <td>{extensionName(entry.extension)}</td>
                <td>{entry.peer}</td>
                <td>{entry.action}</td>
                <td>{entry.decidedBy}</td>
                <td>{entry.detail}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

/** Settings of recipient extensions: defaults, the user's vCard, lists, the audit log. */
export function ConsentSettings() {
  return (
    <section aria-label="Extension settings">
      <h2>Extension settings</h2>
      <Defaults />
      <MyCard />
      <Lists />
      <AuditLog />
    </section>
  );
}
