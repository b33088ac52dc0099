// Signature checks with node:crypto: RSA (PKCS #1 v1.5 and PSS), DSA (with parameters
// inherited from the issuer, RFC 5280 6.1.4 (e)-(f)), ECDSA and EdDSA.
import { createPublicKey, verify, constants, type KeyObject } from 'node:crypto';
import {
  children,
  decodeOne,
  encodeTlv,
  readOid,
  readSmallInteger,
  SEQUENCE_IDENTIFIER,
  TAG,
  isContext,
} from './der.internal.ts';
import { decodeAlgorithm, type AlgorithmIdentifier } from './certificate.ts';

/** A public key with the parameters it inherits, ready to check signatures. */
export interface WorkingKey {
  /** SubjectPublicKeyInfo DER, possibly without DSA parameters. */
  readonly spki: Uint8Array;
  /** DSA domain parameters to use when the SPKI has none (inherited from an issuer). */
  readonly inheritedParameters: Uint8Array | undefined;
}

const DSA_KEY = '1.2.840.10040.4.1';

const HASH_BY_ALGORITHM: Readonly<Record<string, string | null>> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10040.4.3': 'sha1',
  '2.16.840.1.101.3.4.3.1': 'sha224',
  '2.16.840.1.101.3.4.3.2': 'sha256',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

const HASH_OIDS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/** The outcome of one signature check. */
export type SignatureCheck = 'valid' | 'invalid' | 'unsupported-algorithm' | 'bad-key';

/** True when the key is DSA without parameters of its own. */
export function lacksDsaParameters(spki: Uint8Array): boolean {
  const algorithm = keyAlgorithm(spki);
  return algorithm?.oid === DSA_KEY && algorithm.parameters === undefined;
}

/** The DSA parameters of a key, if it is DSA and has them. */
export function dsaParametersOf(spki: Uint8Array): Uint8Array | undefined {
  const algorithm = keyAlgorithm(spki);
  return algorithm?.oid === DSA_KEY ? algorithm.parameters : undefined;
}

/** The key's algorithm; undefined for a malformed SPKI (its signatures then fail). */
function keyAlgorithm(spki: Uint8Array): AlgorithmIdentifier | undefined {
  try {
    return decodeAlgorithm(children(decodeOne(spki))[0]);
  } catch {
    return undefined;
  }
}

function withParameters(spki: Uint8Array, parameters: Uint8Array): Uint8Array {
  const [, key] = children(decodeOne(spki));
  const oid = encodeTlv(TAG.oid, new Uint8Array(Buffer.from('2a8648ce380401', 'hex')));
  const algorithm = encodeTlv(SEQUENCE_IDENTIFIER, Buffer.concat([oid, parameters]));
  return encodeTlv(
    SEQUENCE_IDENTIFIER,
    Buffer.concat([algorithm, key?.encoded ?? new Uint8Array()]),
  );
}

function publicKey(key: WorkingKey): KeyObject | undefined {
  try {
    const spki =
      key.inheritedParameters !== undefined && lacksDsaParameters(key.spki)
        ? withParameters(key.spki, key.inheritedParameters)
        : key.spki;
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

function pssOptions(
  algorithm: AlgorithmIdentifier,
): { hash: string; saltLength: number } | undefined {
  let hash = 'sha1';
  let saltLength = 20;
  if (algorithm.parameters !== undefined) {
    for (const part of children(decodeOne(algorithm.parameters))) {
      const [inner] = children(part);
      if (inner === undefined) return undefined;
      if (isContext(part, 0)) {
        const name = HASH_OIDS[readOid(children(inner)[0] ?? inner)];
        if (name === undefined) return undefined;
        hash = name;
      } else if (isContext(part, 2)) {
        saltLength = readSmallInteger(inner);
      }
    }
  }
  return { hash, saltLength };
}

/** Checks `signature` over `data` with the working key, for the given algorithm. */
export function checkSignature(
  data: Uint8Array,
  algorithm: AlgorithmIdentifier,
  signature: Uint8Array,
  key: WorkingKey,
): SignatureCheck {
  const keyObject = publicKey(key);
  if (keyObject === undefined) return 'bad-key';
  try {
    if (algorithm.oid === RSASSA_PSS) {
      const options = pssOptions(algorithm);
      if (options === undefined) return 'unsupported-algorithm';
      const ok = verify(
        options.hash,
        data,
        {
          key: keyObject,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: options.saltLength,
        },
        signature,
      );
      return ok ? 'valid' : 'invalid';
    }
    const hash = HASH_BY_ALGORITHM[algorithm.oid];
    if (hash === undefined) return 'unsupported-algorithm';
    return verify(hash, data, keyObject, signature) ? 'valid' : 'invalid';
  } catch {
    // A key of the wrong type for the algorithm, or a malformed DSA/ECDSA signature.
    return 'invalid';
  }
}
