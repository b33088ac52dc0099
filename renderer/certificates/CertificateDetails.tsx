import type { CertificateDetailsView } from '../../src/api/index.ts';
import { expiryNote } from './expiry.ts';

/** Everything about one certificate, with its verdict in the app's words. */
export function CertificateDetails({ details }: { readonly details: CertificateDetailsView }) {
  const { certificate } = details;
  const expiry = expiryNote(certificate.notAfter);
  return (
    <section className="certificate-details" aria-label={`Certificate of ${certificate.subject}`}>
      <h3>{certificate.subject}</h3>
      <p className={details.valid ? 'verdict valid' : 'verdict invalid'} role="status">
        {details.summary}
      </p>
      {details.reasons.map((reason) => (
        <p key={`${reason.code}:${reason.text}`} className="reason">
          {reason.text}
        </p>
      ))}
      {(details.notes ?? []).map((note) => (
        <p key={`${note.code}:${note.text}`} className="note">
          Note: {note.text}
        </p>
      ))}
      <dl>
        <dt>Issued by</dt>
        <dd>{certificate.issuer}</dd>
        <dt>Valid from</dt>
        <dd>{certificate.notBefore}</dd>
        <dt>Valid until</dt>
        <dd>
          {certificate.notAfter}
          {expiry === undefined ? null : <strong> · {expiry}</strong>}
        </dd>
        <dt>Trusted</dt>
        <dd>{details.trusted ? `yes, by ${details.trustedBy ?? 'your settings'}` : 'no'}</dd>
        <dt>Key</dt>
        <dd>{details.keyAlgorithm}</dd>
        <dt>Usages</dt>
        <dd>{[...details.keyUsage, ...details.extendedKeyUsage].join(', ') || 'none stated'}</dd>
        <dt>Names</dt>
        <dd>{details.subjectAltNames.join(', ') || 'none'}</dd>
        <dt>Serial number</dt>
        <dd>{details.serialNumber}</dd>
        <dt>SHA-256 fingerprint</dt>
        <dd className="fingerprint">{details.fingerprints.sha256}</dd>
        <dt>SHA-1 fingerprint</dt>
        <dd className="fingerprint">{details.fingerprints.sha1}</dd>
      </dl>
      <h4>Chain</h4>
      <ol aria-label="Certificate chain">
        {details.chain.map((link) => (
          <li key={link.fingerprint}>
            {link.subject} ({link.kind}), issued by {link.issuer}
          </li>
        ))}
      </ol>
    </section>
  );
}
