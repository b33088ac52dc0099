import { useEffect, useState, type SyntheticEvent } from 'react';
import type { AccountView, CertificateRequestView } from '../../src/api/index.ts';
import { describeError } from '../api/client.ts';
import { useApi } from '../api/context.tsx';
import { ErrorAlert } from '../app/ErrorAlert.tsx';
import { TextField } from '../app/TextField.tsx';
import { expiryNote } from './expiry.ts';

interface YourKeyProps {
  readonly account: AccountView;
  /** Called after the account's certificate or request changed (the lists reload). */
  readonly onChanged: () => void;
}

/**
 * One account's key and certificate: renew, a certificate request (CSR) for a CA and
 * installing what it issued, and exporting the identity as .p12. The key never reaches
 * this page: the engine makes it, keeps it encrypted, and the passphrase asked here only
 * opens it there.
 */
export function YourKey({ account, onChanged }: YourKeyProps) {
  const api = useApi();
  const [passphrase, setPassphrase] = useState('');
  const [request, setRequest] = useState<CertificateRequestView | null>(null);
  const [issuedPem, setIssuedPem] = useState('');
  const [exportPath, setExportPath] = useState('');
  const [p12Password, setP12Password] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.call('certificateRequest', { accountId: account.id }).then(setRequest, (f: unknown) => {
      setError(describeError(f));
    });
  }, [api, account.id]);

  /** Runs one action: clears the last outcome, shows its result or error. */
  const act = async (action: () => Promise<string>) => {
    setBusy(true);
    setDone(undefined);
    setError(undefined);
    try {
      setDone(await action());
      onChanged();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const needPassphrase = () => {
    if (passphrase === '') throw new Error('Enter your passphrase first: it opens your key.');
    return passphrase;
  };

  const renew = () =>
    act(async () => {
      const renewal = await api.call('renewCertificate', {
        accountId: account.id,
        passphrase: needPassphrase(),
      });
      if (renewal.kind === 'request') {
        setRequest(renewal.request);
        return 'A new key is ready: send the certificate request below to your CA, then install what it issues.';
      }
      setRequest(null);
      return `Renewed: your new certificate is valid until ${renewal.account.certificate.notAfter}. The old one stays for your old mail.`;
    });
  const createRequest = () =>
    act(async () => {
      setRequest(
        await api.call('createCertificateRequest', {
          accountId: account.id,
          passphrase: needPassphrase(),
        }),
      );
      return 'A new key is ready: send the certificate request below to your CA.';
    });
  const install = (event: SyntheticEvent) => {
    event.preventDefault();
    void act(async () => {
      const installed = await api.call('installCertificate', {
        accountId: account.id,
        certificatePem: issuedPem,
        passphrase: needPassphrase(),
      });
      setRequest(null);
      setIssuedPem('');
      return `Installed: your certificate is valid until ${installed.certificate.notAfter}.`;
    });
  };
  const exportP12 = (event: SyntheticEvent) => {
    event.preventDefault();
    void act(async () => {
      await api.call('exportIdentity', {
        accountId: account.id,
        path: exportPath,
        p12Password,
      });
      setP12Password('');
      return `Your identity (key and certificate) was saved to ${exportPath}.`;
    });
  };

  const expiry = expiryNote(account.certificate.notAfter);
  return (
    <section className="your-key" aria-label={`Your key for ${account.address}`}>
      <h3>Your key and certificate: {account.address}</h3>
      {expiry === undefined ? null : (
        <p className="expiry" role="note">
          {expiry}: renew your certificate.
        </p>
      )}
      <TextField
        label="Your passphrase (opens your key for a new key or certificate)"
        type="password"
        autoComplete="current-password"
        value={passphrase}
        onChange={setPassphrase}
      />
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void renew()}>
          Renew certificate
        </button>
        <button type="button" disabled={busy} onClick={() => void createRequest()}>
          Create certificate request
        </button>
      </div>
      {request === null ? null : (
        <form aria-label="Install the issued certificate" onSubmit={install}>
          <label>
            Certificate request for your CA (PEM, made {request.createdAt})
            <textarea readOnly rows={6} value={request.csrPem} />
          </label>
          <label>
            Certificate your CA issued (PEM)
            <textarea
              rows={6}
              value={issuedPem}
              onChange={(e) => {
                setIssuedPem(e.target.value);
              }}
            />
          </label>
          <button type="submit" disabled={busy || issuedPem.trim() === ''}>
            Install certificate
          </button>
        </form>
      )}
      <form aria-label="Export as .p12" onSubmit={exportP12}>
        <TextField
          label="Save the .p12 file as (a path on this computer)"
          required
          value={exportPath}
          onChange={setExportPath}
        />
        <TextField
          label="Password for the .p12 file"
          type="password"
          required
          autoComplete="new-password"
          value={p12Password}
          onChange={setP12Password}
        />
        <button type="submit" disabled={busy}>
          Export .p12
        </button>
      </form>
      {done === undefined ? null : <p role="status">{done}</p>}
      <ErrorAlert message={error} />
    </section>
  );
}
