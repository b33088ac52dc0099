// The PKCS#12 integrity check (RFC 7292 section 4 and appendix B), done before
// node-forge opens the file, so that a wrong passphrase and a malformed file are told
// apart from the structure itself rather than from forge's error messages.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  integer,
  isUniversal,
  nullElement,
  octetString,
  oid,
  readDer,
  readIntegerHex,
  readOid,
  sequence,
  stringOctets,
  TAG,
} from './der.ts';
import { IdentityError } from './errors.ts';
import { DIGESTS, OID_DATA, OID_SHA256 } from './oids.ts';

/** Hash block sizes in bytes, the `v` of RFC 7292 appendix B. */
const BLOCK_BYTES: Readonly<Record<string, number>> = {
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
};
/** The PKCS#12 key derivation's purpose byte for MAC keys (RFC 7292 B.3). */
const MAC_KEY_ID = 3;
/** More iterations than any real file uses; refuses a file built to burn CPU. */
const MAX_MAC_ITERATIONS = 10_000_000;

function malformed(why: string): IdentityError {
  return new IdentityError('IDENTITY_MALFORMED_INPUT', `not a readable PKCS#12 file: ${why}`);
}

/** `value` repeated to fill a whole number of `blockBytes` blocks (empty stays empty). */
function fillBlocks(value: Buffer, blockBytes: number): Buffer {
  const length = blockBytes * Math.ceil(value.length / blockBytes);
  const filled = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += value.length) value.copy(filled, offset);
  return filled;
}

/** The MAC key: RFC 7292 B.2 with ID 3, for a key no longer than one hash output. */
function macKey(digest: string, passphrase: string, salt: Buffer, iterations: number): Buffer {
  const blockBytes = BLOCK_BYTES[digest] ?? 64;
  // The passphrase as a NUL-terminated BMPString (UTF-16BE).
  const password = Buffer.from(`${passphrase}\0`, 'utf16le').swap16();
  const input = Buffer.concat([
    Buffer.alloc(blockBytes, MAC_KEY_ID),
    fillBlocks(salt, blockBytes),
    fillBlocks(password, blockBytes),
  ]);
  let key = createHash(digest).update(input).digest();
  for (let round = 1; round < iterations; round++) key = createHash(digest).update(key).digest();
  return key;
}

/** MAC of new files: HMAC-SHA-256 (as OpenSSL 3 writes), 2048 iterations, 16-byte salt. */
const NEW_MAC_DIGEST = 'sha256';
const NEW_MAC_ITERATIONS = 2048;
const NEW_MAC_SALT_BYTES = 16;

/**
 * Gives a PFX a fresh MacData computed from the passphrase as a BMPString (RFC 7292),
 * replacing whatever MacData it had.
 */
export function withPkcs12Mac(der: Buffer, passphrase: string): Buffer {
  const [version, authSafe] = readDer(der).children;
  const content = authSafe?.children[1]?.children[0];
  if (version === undefined || authSafe === undefined || content === undefined) {
    throw malformed('not a PFX');
  }
  const salt = randomBytes(NEW_MAC_SALT_BYTES);
  const key = macKey(NEW_MAC_DIGEST, passphrase, salt, NEW_MAC_ITERATIONS);
  const mac = createHmac(NEW_MAC_DIGEST, key).update(stringOctets(content)).digest();
  const macData = sequence(
    sequence(sequence(oid(OID_SHA256), nullElement()), octetString(mac)),
    octetString(salt),
    integer(NEW_MAC_ITERATIONS),
  );
  return sequence(version.raw, authSafe.raw, macData);
}

/** A PFX whose integrity was checked. */
export interface CheckedPfx {
  /** True when it had a MAC and the passphrase verified it. */
  readonly authenticated: boolean;
  /** The PFX without its MacData, for a reader that need not check it again. */
  readonly withoutMac: Buffer;
}

/**
 * Checks the structure of a PFX and, when it has a MAC, the passphrase against it.
 * Errors: IDENTITY_MALFORMED_INPUT (not a PFX, or a PFX we cannot read),
 * IDENTITY_WRONG_PASSPHRASE (the MAC does not verify: a wrong passphrase, or a file
 * changed after it was made; the two cannot be told apart).
 */
export function checkPkcs12Mac(der: Buffer, passphrase: string): CheckedPfx {
  const pfx = readDer(der);
  const [version, authSafe, macData] = pfx.children;
  if (!isUniversal(pfx, TAG.SEQUENCE) || readIntegerHex(version) !== '3') {
    throw malformed('not a version 3 PFX');
  }
  if (readOid(authSafe?.children[0]) !== OID_DATA) {
    throw malformed('only password-integrity (data) files are supported');
  }
  const content = authSafe?.children[1]?.children[0];
  if (!isUniversal(content, TAG.OCTET_STRING)) throw malformed('authSafe without content');
  const withoutMac = sequence(version?.raw ?? Buffer.alloc(0), authSafe?.raw ?? Buffer.alloc(0));
  if (macData === undefined) return { authenticated: false, withoutMac };
  const [mac, saltField, iterationsField] = macData.children;
  const algorithm = readOid(mac?.children[0]?.children[0]);
  const digest = DIGESTS[algorithm];
  if (digest === undefined) throw malformed(`unsupported MAC digest ${algorithm}`);
  const expected = stringOctets(mac?.children[1] ?? content);
  const iterations =
    iterationsField === undefined ? 1 : parseInt(readIntegerHex(iterationsField), 16);
  if (!(iterations >= 1 && iterations <= MAX_MAC_ITERATIONS) || saltField === undefined) {
    throw malformed('bad MAC parameters');
  }
  const key = macKey(digest, passphrase, stringOctets(saltField), iterations);
  const actual = createHmac(digest, key).update(stringOctets(content)).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new IdentityError(
      'IDENTITY_WRONG_PASSPHRASE',
      'the passphrase does not open the PKCS#12 file (or the file was changed)',
    );
  }
  return { authenticated: true, withoutMac };
}
