import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  AccountView,
  CertificateDetailsView,
  CertificateListView,
  CertificateVerdictView,
} from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { TabButtons } from '../app/TabButtons.tsx';
import { useApi } from '../api/context.tsx';
import { CertificateDetails } from './CertificateDetails.tsx';
import { expiryNote } from './expiry.ts';
import { TrustSettings } from './TrustSettings.tsx';
import { YourKey } from './YourKey.tsx';
import { DelegatedValidation } from './DelegatedValidation.tsx';
import { ImportIdentity } from '../onboarding/Onboarding.tsx';

type Tab = keyof CertificateListView | 'trust';
const TABS: readonly { readonly id: Tab; readonly label: string }[] = [
  { id: 'mine', label: 'Yours' },
  { id: 'people', label: 'People' },
  { id: 'servers', label: 'Servers' },
  { id: 'authorities', label: 'Authorities' },
  { id: 'trust', label: 'Trust settings' },
];

function CertificateRow({
  item,
  onOpen,
}: {
  readonly item: CertificateVerdictView;
  readonly onOpen: () => void;
}) {
  const expiry = expiryNote(item.certificate.notAfter);
  return (
    <li>
      <button type="button" onClick={onOpen} aria-label={`Details of ${item.certificate.subject}`}>
        {item.certificate.subject}
      </button>
      <span className={item.valid ? 'verdict valid' : 'verdict invalid'}>{item.summary}</span>
      {/* Tells a renewed certificate from the earlier one it replaced. */}
      <span className="validity">until {item.certificate.notAfter.slice(0, 10)}</span>
      {expiry === undefined ? null : <strong className="expiry"> {expiry}</strong>}
    </li>
  );
}

/** A certificate to show on opening: one of the lists', or the one a message carries. */
export interface CertificateToShow {
  readonly fingerprint: string;
  /** The message that carries it: judged as that message's sender's certificate. */
  readonly message?: string;
}

interface CertificateManagerProps {
  readonly onClose: () => void;
  readonly show?: CertificateToShow;
}

/** The certificate manager, as a modal dialog: four lists, details, trust settings. */
export function CertificateManager({ onClose, show }: CertificateManagerProps) {
  const api = useApi();
  const dialog = useRef<HTMLDialogElement>(null);
  const [tab, setTab] = useState<Tab>(show?.message === undefined ? 'mine' : 'people');
  const [lists, setLists] = useState<CertificateListView>();
  const [accounts, setAccounts] = useState<readonly AccountView[]>([]);
  // A fresh import form after each import (the form keeps its state otherwise).
  const [imports, setImports] = useState(0);
  const [details, setDetails] = useState<CertificateDetailsView>();
  const [error, setError] = useState<string>();

  const reload = useCallback(() => {
    const fail = (failure: unknown) => {
      setError(describeError(failure));
    };
    api.call('listCertificates', {}).then(setLists, fail);
    api.call('status', {}).then((status) => {
      setAccounts(status.accounts);
    }, fail);
  }, [api]);
  const openDetails = useCallback(
    (wanted: CertificateToShow) => {
      api.call('certificateDetails', wanted).then(setDetails, (failure: unknown) => {
        setError(describeError(failure));
      });
    },
    [api],
  );
  useEffect(() => {
    dialog.current?.showModal();
    reload();
  }, [reload]);
  const shownFingerprint = show?.fingerprint;
  const shownMessage = show?.message;
  useEffect(() => {
    if (shownFingerprint === undefined) return;
    openDetails({
      fingerprint: shownFingerprint,
      ...(shownMessage === undefined ? {} : { message: shownMessage }),
    });
  }, [openDetails, shownFingerprint, shownMessage]);
  const items = tab === 'trust' ? [] : (lists?.[tab] ?? []);

  return (
    <dialog
      ref={dialog}
      className="composer certificate-manager"
      aria-label="Certificates"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2>Certificates</h2>
      <div role="tablist" aria-label="Certificate lists">
        <TabButtons
          tabs={TABS}
          selected={tab}
          onSelect={(id) => {
            setTab(id);
            setDetails(undefined);
          }}
        />
      </div>
      {error === undefined ? null : <p role="alert">{error}</p>}
      {tab === 'trust' ? (
        <TrustSettings onSaved={reload} />
      ) : (
        <section role="tabpanel" aria-label={TABS.find((entry) => entry.id === tab)?.label}>
          {lists === undefined ? (
            <p>Loading…</p>
          ) : items.length === 0 ? (
            <p>No certificates here yet.</p>
          ) : (
            <ul className="certificate-list">
              {items.map((item) => (
                <CertificateRow
                  key={item.certificate.fingerprint}
                  item={item}
                  onOpen={() => {
                    openDetails({ fingerprint: item.certificate.fingerprint });
                  }}
                />
              ))}
            </ul>
          )}
          {details === undefined ? null : <CertificateDetails details={details} />}
          {tab === 'mine' ? (
            <>
              {accounts.map((account) => (
                <YourKey key={account.id} account={account} onChanged={reload} />
              ))}
              <details className="import-identity">
                <summary>Import an identity (.p12)</summary>
                <ImportIdentity
                  key={imports}
                  onDone={() => {
                    setImports((count) => count + 1);
                    reload();
                  }}
                />
              </details>
            </>
          ) : null}
          {tab === 'authorities' ? <DelegatedValidation onSaved={reload} /> : null}
        </section>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
