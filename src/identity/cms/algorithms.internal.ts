// Algorithm identifiers for CMS: which digest, signature and cipher OIDs mean what.
import type { KeyObject } from 'node:crypto';
import { nullElement, oid, readOid, sequence, type DerNode } from '../der.ts';
import { IdentityError } from '../errors.ts';
import { DIGESTS, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION } from '../oids.ts';

/** AlgorithmIdentifier with NULL parameters (RSA and the SHA-2 family). */
export function algorithmWithNull(algorithm: string): Buffer {
  return sequence(oid(algorithm), nullElement());
}

/** The node:crypto name of a DigestAlgorithmIdentifier; CMS_UNSUPPORTED_ALGORITHM otherwise. */
export function digestName(identifier: DerNode | undefined): string {
  const algorithm = readOid(identifier?.children[0]);
  const name = DIGESTS[algorithm];
  if (name === undefined) {
    throw new IdentityError('CMS_UNSUPPORTED_ALGORITHM', `unsupported digest ${algorithm}`);
  }
  return name;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/** SignerInfo.signatureAlgorithm for a signing key with SHA-256 (RFC 5754). */
export function signatureAlgorithmFor(privateKey: KeyObject): Buffer {
  switch (privateKey.asymmetricKeyType) {
    case 'rsa':
      return algorithmWithNull(OID_RSA_ENCRYPTION);
    case 'ec':
      return sequence(oid(ECDSA_WITH_SHA256));
    default:
      throw new IdentityError(
        'IDENTITY_UNSUPPORTED_KEY',
        `cannot sign with a ${privateKey.asymmetricKeyType ?? 'unknown'} key`,
      );
  }
}

/** The key type a SignerInfo.signatureAlgorithm needs; undefined when not supported. */
export function signatureKeyType(algorithm: string): 'rsa' | 'ec' | undefined {
  // rsaEncryption, sha*WithRSAEncryption and RSASSA-PSS all sit under 1.2.840.113549.1.1.
  if (algorithm === OID_RSA_ENCRYPTION || algorithm.startsWith('1.2.840.113549.1.1.')) return 'rsa';
  if (algorithm === OID_EC_PUBLIC_KEY || algorithm.startsWith('1.2.840.10045.4.')) return 'ec';
  return undefined;
}
