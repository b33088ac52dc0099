import { expiryNote } from './expiry.ts';

/** On the account, within 30 days of its certificate's end: the warning and a way to renew. */
export function CertificateExpiry({
  notAfter,
  onRenew,
}: {
  readonly notAfter: string;
  readonly onRenew: () => void;
}) {
  const note = expiryNote(notAfter);
  if (note === undefined) return null;
  return (
    <span className="certificate-expiry" role="note">
      Your certificate: {note}.{' '}
      <button type="button" onClick={onRenew}>
        Renew
      </button>
    </span>
  );
}
