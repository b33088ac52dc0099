import { createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { IdentityError, MAX_CREDENTIAL_INPUT_BYTES, assertInputSize } from './errors.ts';
import { readDer, readOid } from './der.ts';
import { toForgePrivateKey } from './keys.ts';
import { OID_RSA_ENCRYPTION } from './oids.ts';
import { pemDecodeAll } from './pem.ts';

/** What a user asks the CA to certify. */
export interface CsrRequest {
  /** The mail address the certificate is for; requested as subjectAltName rfc822Name. */
  readonly address: string;
  /** A display name for the subject CN; default: the address. Untrusted (slides: identity types). */
  readonly displayName?: string;
}

/** A CSR as the CA reads it: its public key and what it asks for. */
export interface ParsedCsr {
  readonly publicKey: KeyObject;
  /** The subject's commonName, if any. */
  readonly commonName: string | undefined;
  /** rfc822Names of a requested subjectAltName extension. */
  readonly requestedAddresses: readonly string[];
}

/**
 * Makes a PKCS#10 certificate signing request on the client, where the key lives:
 * subject CN = display name, extensionRequest subjectAltName rfc822Name = address,
 * signed with SHA-256. Returns the PEM text; the private key never leaves the caller.
 */
export function createCsr(privateKey: KeyObject, request: CsrRequest): string {
  const csr = forge.pki.createCertificationRequest();
  const forgeKey = toForgePrivateKey(privateKey);
  csr.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  csr.setSubject([{ name: 'commonName', value: request.displayName ?? request.address }]);
  csr.setAttributes([
    {
      name: 'extensionRequest',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 1, value: request.address }] }],
    },
  ]);
  csr.sign(forgeKey, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

interface ForgeAltName {
  readonly type: number;
  readonly value: string;
}

/**
 * Reads a PEM CSR and checks its self-signature. Errors: IDENTITY_MALFORMED_INPUT,
 * IDENTITY_UNSUPPORTED_KEY (not RSA), IDENTITY_CSR_BAD_SIGNATURE.
 */
export function parseCsr(pem: string): ParsedCsr {
  assertInputSize(pem, MAX_CREDENTIAL_INPUT_BYTES, 'CSR');
  const block = pemDecodeAll(pem).find((candidate) =>
    candidate.label.endsWith('CERTIFICATE REQUEST'),
  );
  if (block === undefined) {
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'no CERTIFICATE REQUEST block in the PEM');
  }
  // CertificationRequestInfo: version, subject, subjectPKInfo { algorithm { oid } ... }
  const keyAlgorithm = readOid(
    readDer(block.der).children[0]?.children[2]?.children[0]?.children[0],
  );
  if (keyAlgorithm !== OID_RSA_ENCRYPTION) {
    throw new IdentityError('IDENTITY_UNSUPPORTED_KEY', `the CSR key (${keyAlgorithm}) is not RSA`);
  }
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(block.der.toString('binary'))),
      true, // compute the digest that verify() checks the signature against
    );
  } catch (error) {
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'not a readable PKCS#10 CSR', {
      cause: error,
    });
  }
  if (!csr.verify()) {
    throw new IdentityError('IDENTITY_CSR_BAD_SIGNATURE', 'the CSR signature does not verify');
  }
  if (csr.publicKey === null) {
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'the CSR has no public key');
  }
  const commonName = csr.subject.getField('CN') as { value: string } | null;
  const extensionRequest = csr.getAttribute({ name: 'extensionRequest' }) as {
    extensions?: readonly { name: string; altNames?: readonly ForgeAltName[] }[];
  } | null;
  const altNames =
    extensionRequest?.extensions?.find((extension) => extension.name === 'subjectAltName')
      ?.altNames ?? [];
  return {
    publicKey: createPublicKey(forge.pki.publicKeyToPem(csr.publicKey)),
    commonName: commonName?.value,
    requestedAddresses: altNames.filter((name) => name.type === 1).map((name) => name.value),
  };
}
