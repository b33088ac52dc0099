// Conversions between node:crypto's X509Certificate and node-forge's certificate objects.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { IdentityError } from './errors.ts';

/** node-forge's form of a certificate; forge reads RSA certificates only. */
export function toForgeCertificate(certificate: X509Certificate): forge.pki.Certificate {
  try {
    return forge.pki.certificateFromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(certificate.raw.toString('binary'))),
    );
  } catch (error) {
    throw new IdentityError(
      'IDENTITY_UNSUPPORTED_KEY',
      `node-forge cannot use this certificate (${certificate.subject}); it handles RSA only`,
      { cause: error },
    );
  }
}

/** node:crypto's form of a node-forge certificate. */
export function fromForgeCertificate(certificate: forge.pki.Certificate): X509Certificate {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
  return new X509Certificate(Buffer.from(der, 'binary'));
}
