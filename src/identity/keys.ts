import {
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  pbkdf2,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import {
  integer,
  isUniversal,
  nullElement,
  octetString,
  oid,
  readDer,
  sequence,
  TAG,
} from './der.ts';
import { IdentityError, MAX_CREDENTIAL_INPUT_BYTES, assertInputSize } from './errors.ts';
import { OID_AES256_CBC, OID_HMAC_SHA256, OID_PBES2, OID_PBKDF2 } from './oids.ts';
import { isPem, pemDecodeAll, pemEncode } from './pem.ts';

/** Size of the RSA keys this project generates, in bits. */
export const RSA_KEY_BITS = 2048;

/**
 * PBKDF2-HMAC-SHA256 iterations for private keys at rest (OWASP's 2023 figure for
 * PBKDF2-SHA256; OpenSSL's own default of 2048 is far too low for a passphrase).
 */
export const KEY_AT_REST_PBKDF2_ITERATIONS = 600_000;

/**
 * Generates an RSA-2048 key pair through node-forge's default path, which hands the
 * work to node's native crypto without blocking the event loop (about 0.7 s here).
 * Resolves to the private key; its public half is `createPublicKey(privateKey)`.
 */
export function generateRsaPrivateKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair(
      { bits: RSA_KEY_BITS, e: 0x10001 },
      (error: Error | null, keyPair) => {
        if (error !== null) {
          reject(error);
          return;
        }
        resolve(createPrivateKey(forge.pki.privateKeyToPem(keyPair.privateKey)));
      },
    );
  });
}

/** The named curve of the EC keys this project generates (ECDSA with SHA-256). */
export const EC_CURVE = 'P-256';

/** The kinds of key pair this project generates. */
export type KeyType = 'ec' | 'rsa';

/**
 * Generates an ECDSA P-256 key pair (node:crypto, off the event loop). Its signatures
 * cost about a twentieth of an RSA-2048 one, which is why servers default to it.
 */
export async function generateEcPrivateKey(): Promise<KeyObject> {
  const { privateKey } = await promisify(generateKeyPair)('ec', { namedCurve: EC_CURVE });
  return privateKey;
}

/** A new private key of the given type (RSA-2048 or ECDSA P-256). */
export function generatePrivateKey(type: KeyType): Promise<KeyObject> {
  return type === 'ec' ? generateEcPrivateKey() : generateRsaPrivateKey();
}

/** The public key of a private key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}

/** An unencrypted PKCS#8 PEM of a private key (to hand to TLS or openssl, not to store). */
export function privateKeyToPem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Options of encryptPrivateKey. */
export interface KeyEncryptionOptions {
  /** PBKDF2 iterations; default KEY_AT_REST_PBKDF2_ITERATIONS (600,000). */
  readonly iterations?: number;
}

const SALT_BYTES = 16;
const AES_256_KEY_BYTES = 32;
const AES_IV_BYTES = 16;

/**
 * Encrypts a private key for storage: PKCS#8 EncryptedPrivateKeyInfo (RFC 5958) with
 * PBES2, PBKDF2-HMAC-SHA256 and AES-256-CBC (RFC 8018), as PEM `ENCRYPTED PRIVATE KEY`,
 * which openssl and readPrivateKey open with the passphrase. The key derivation runs
 * off the main thread (node's libuv pool).
 */
export async function encryptPrivateKey(
  privateKey: KeyObject,
  passphrase: string,
  options: KeyEncryptionOptions = {},
): Promise<string> {
  const iterations = options.iterations ?? KEY_AT_REST_PBKDF2_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new RangeError(`PBKDF2 iterations must be a positive integer, not ${iterations}`);
  }
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(AES_IV_BYTES);
  const key = await promisify(pbkdf2)(passphrase, salt, iterations, AES_256_KEY_BYTES, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const plain = privateKey.export({ type: 'pkcs8', format: 'der' });
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  key.fill(0);
  const kdf = sequence(
    oid(OID_PBKDF2),
    sequence(octetString(salt), integer(iterations), sequence(oid(OID_HMAC_SHA256), nullElement())),
  );
  const scheme = sequence(oid(OID_AES256_CBC), octetString(iv));
  const info = sequence(sequence(oid(OID_PBES2), sequence(kdf, scheme)), octetString(encrypted));
  return pemEncode('ENCRYPTED PRIVATE KEY', info);
}

const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
]);

/**
 * Reads a private key: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, legacy encrypted
 * PEM) or DER (PKCS#8, plain or encrypted). Errors: IDENTITY_PASSPHRASE_REQUIRED for
 * an encrypted key without a passphrase, IDENTITY_WRONG_PASSPHRASE when it does not
 * open the key, IDENTITY_MALFORMED_INPUT for anything that is not a key.
 */
export function readPrivateKey(input: string | Uint8Array, passphrase?: string): KeyObject {
  assertInputSize(input, MAX_CREDENTIAL_INPUT_BYTES, 'private key input');
  let encrypted: boolean;
  let source: { key: string } | { key: Buffer; format: 'der'; type: 'pkcs8' };
  if (isPem(input)) {
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
    const block = pemDecodeAll(text).find((candidate) => KEY_LABELS.has(candidate.label));
    if (block === undefined) {
      throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'no private key block in the PEM');
    }
    encrypted =
      block.label === 'ENCRYPTED PRIVATE KEY' ||
      block.headers.some((header) => header.startsWith('Proc-Type: 4,ENCRYPTED'));
    source = { key: text };
  } else {
    const der = Buffer.from(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
    // EncryptedPrivateKeyInfo starts with an AlgorithmIdentifier, PrivateKeyInfo with a version.
    encrypted = isUniversal(readDer(der).children[0], TAG.SEQUENCE);
    source = { key: der, format: 'der', type: 'pkcs8' };
  }
  if (encrypted && passphrase === undefined) {
    throw new IdentityError('IDENTITY_PASSPHRASE_REQUIRED', 'the private key is encrypted');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(
      encrypted && passphrase !== undefined ? { ...source, passphrase } : source,
    );
  } catch (error) {
    if (encrypted) {
      throw new IdentityError(
        'IDENTITY_WRONG_PASSPHRASE',
        'the passphrase does not open the private key (or the key is corrupt)',
        { cause: error },
      );
    }
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'not a readable private key', {
      cause: error,
    });
  }
  assertKeyConsistent(key);
  return key;
}

const CONSISTENCY_PROBE = Buffer.from('mt2 private key consistency check');

function bigIntOf(base64url: string | undefined): bigint {
  return BigInt(`0x${Buffer.from(base64url ?? '', 'base64url').toString('hex') || '0'}`);
}

/**
 * True when an RSA key's CRT numbers agree: n = pq, dP = d mod (p-1), dQ = d mod (q-1),
 * qInv q = 1 mod p. OpenSSL quietly falls back to d when a CRT result is wrong, so a
 * signing test alone would not notice a corrupt CRT number.
 */
function rsaNumbersAgree(key: KeyObject): boolean {
  const jwk = key.export({ format: 'jwk' });
  const [n, d, p, q, dp, dq, qi] = [jwk.n, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map(
    bigIntOf,
  );
  if (n === undefined || d === undefined || p === undefined || q === undefined) return false;
  return (
    p > 1n &&
    q > 1n &&
    n === p * q &&
    dp === d % (p - 1n) &&
    dq === d % (q - 1n) &&
    ((qi ?? 0n) * q) % p === 1n
  );
}

/**
 * A pairwise consistency test: signs with the key and verifies with its public half,
 * and for RSA checks the CRT numbers. CBC-encrypted keys carry no MAC, so a corrupt
 * file can decrypt to well-formed DER with wrong numbers; this turns that into
 * IDENTITY_MALFORMED_INPUT instead of bad signatures later.
 */
function assertKeyConsistent(key: KeyObject): void {
  const type = key.asymmetricKeyType;
  const digest = type === 'ed25519' || type === 'ed448' ? null : 'sha256';
  let consistent: boolean;
  try {
    const signature = sign(digest, CONSISTENCY_PROBE, key);
    consistent =
      verify(digest, CONSISTENCY_PROBE, createPublicKey(key), signature) &&
      (type !== 'rsa' || rsaNumbersAgree(key));
  } catch {
    consistent = false;
  }
  if (!consistent) {
    throw new IdentityError(
      'IDENTITY_MALFORMED_INPUT',
      'the private key is corrupt: its numbers do not agree',
    );
  }
}

/** The node-forge form of an RSA private key; refuses other key types. */
export function toForgePrivateKey(privateKey: KeyObject): forge.pki.rsa.PrivateKey {
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new IdentityError(
      'IDENTITY_UNSUPPORTED_KEY',
      `node-forge handles RSA keys only, not ${privateKey.asymmetricKeyType ?? 'this key'}`,
    );
  }
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return forge.pki.privateKeyFromPem(pem);
}

/** The node-forge form of an RSA public key; refuses other key types. */
export function toForgePublicKey(publicKey: KeyObject): forge.pki.rsa.PublicKey {
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new IdentityError(
      'IDENTITY_UNSUPPORTED_KEY',
      `node-forge handles RSA keys only, not ${publicKey.asymmetricKeyType ?? 'this key'}`,
    );
  }
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return forge.pki.publicKeyFromPem(pem);
}
