import type { KeyObject, X509Certificate } from 'node:crypto';
import {
  addressesOf,
  parseCertificate,
  readCertificates,
  type Credentials,
  type IdentityValidator,
} from '../../identity/index.ts';
import { ENGINE_ERROR, engineError } from '../errors.ts';
import { reasonViews } from '../security/certificate-summary.ts';

const refused = (why: string) =>
  engineError(ENGINE_ERROR.CERTIFICATE_REFUSED, `This certificate cannot be installed: ${why}`);

function readPem(pem: string): X509Certificate[] {
  try {
    return readCertificates(pem);
  } catch (error) {
    throw refused(`it cannot be read (${error instanceof Error ? error.message : String(error)}).`);
  }
}

/**
 * The credentials a CA's answer makes with the pending key: the certificate (PEM, its
 * CA chain may follow; without one the account's chain is kept) must be for that key,
 * name the account's address, and chain to a CA the account's validator trusts.
 * @throws ApiError ENGINE_CERTIFICATE_REFUSED saying which check failed.
 */
export async function issuedCredentials(request: {
  readonly pem: string;
  readonly pendingKey: KeyObject;
  readonly address: string;
  readonly currentChain: readonly X509Certificate[];
  readonly validator: IdentityValidator;
}): Promise<Credentials> {
  const [certificate, ...rest] = readPem(request.pem);
  if (certificate === undefined) throw refused('there is no PEM certificate in it.');
  if (!certificate.checkPrivateKey(request.pendingKey)) {
    throw refused('it is for another key than the one of your pending request.');
  }
  const parsed = parseCertificate(certificate.raw);
  const names = addressesOf(parsed);
  if (!names.some((name) => name.toLowerCase() === request.address.toLowerCase())) {
    throw refused(`it is for ${names.join(', ') || 'no address'}, not for ${request.address}.`);
  }
  const chain = rest.length > 0 ? rest : [...request.currentChain];
  const verdict = await request.validator.validate({
    chain: [parsed, ...chain.map((item) => parseCertificate(item.raw))],
    expected: { kind: 'user', address: request.address },
  });
  if (!verdict.valid) {
    const reasons = reasonViews(verdict.validityReasons).map((reason) => reason.text);
    throw refused(`it does not chain to a CA you trust (${reasons.join('; ')}).`);
  }
  return { certificate, privateKey: request.pendingKey, chain };
}
