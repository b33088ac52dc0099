import { X509Certificate } from 'node:crypto';
import { IdentityError, MAX_CREDENTIAL_INPUT_BYTES, assertInputSize } from './errors.ts';

/** One PEM block: its label (e.g. `CERTIFICATE`) and its DER content. */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
  /** Header lines between BEGIN and the base64 (legacy encrypted keys use them). */
  readonly headers: readonly string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

/** Encodes DER as PEM with 64-character lines. */
export function pemEncode(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * All PEM blocks of `text`, in order; text outside blocks (openssl's "Bag Attributes",
 * comments) is ignored. Throws IDENTITY_MALFORMED_INPUT on a block that is not base64
 * or whose END does not match its BEGIN.
 */
export function pemDecodeAll(text: string): PemBlock[] {
  assertInputSize(text, MAX_CREDENTIAL_INPUT_BYTES, 'PEM input');
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [, label = '', body = '', endLabel] = match;
    if (label !== endLabel) {
      throw new IdentityError('IDENTITY_MALFORMED_INPUT', `PEM block ${label} ends as ${endLabel}`);
    }
    const lines = body.split(/\r?\n/);
    const headers = lines.filter((line) => line.includes(':'));
    const base64 = lines.filter((line) => !line.includes(':')).join('');
    if (!BASE64.test(base64)) {
      throw new IdentityError('IDENTITY_MALFORMED_INPUT', `PEM block ${label} is not base64`);
    }
    blocks.push({ label, der: Buffer.from(base64, 'base64'), headers });
  }
  return blocks;
}

/** True when `input` looks like PEM text rather than DER bytes. */
export function isPem(input: string | Uint8Array): boolean {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  return text.includes('-----BEGIN ');
}

/**
 * Reads one or more certificates: PEM (every CERTIFICATE block, in order) or a single
 * DER certificate. Any key algorithm node:crypto knows is accepted (RSA, ECDSA, EdDSA).
 * Throws IDENTITY_MALFORMED_INPUT when there is no readable certificate.
 */
export function readCertificates(input: string | Uint8Array): X509Certificate[] {
  assertInputSize(input, MAX_CREDENTIAL_INPUT_BYTES, 'certificate input');
  const ders = isPem(input)
    ? pemDecodeAll(typeof input === 'string' ? input : Buffer.from(input).toString('latin1'))
        .filter((block) => block.label === 'CERTIFICATE' || block.label === 'X509 CERTIFICATE')
        .map((block) => block.der)
    : [Buffer.from(typeof input === 'string' ? Buffer.from(input, 'latin1') : input)];
  if (ders.length === 0) {
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'no CERTIFICATE block in the PEM input');
  }
  return ders.map((der) => {
    try {
      return new X509Certificate(der);
    } catch (error) {
      throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'not a readable X.509 certificate', {
        cause: error,
      });
    }
  });
}

/** Reads exactly one certificate (the first, if the PEM holds several). */
export function readCertificate(input: string | Uint8Array): X509Certificate {
  const [first] = readCertificates(input);
  if (first === undefined) {
    throw new IdentityError('IDENTITY_MALFORMED_INPUT', 'no certificate in the input');
  }
  return first;
}

/** PEM text of certificates, concatenated in the given order. */
export function certificatesToPem(certificates: readonly X509Certificate[]): string {
  return certificates.map((certificate) => pemEncode('CERTIFICATE', certificate.raw)).join('');
}
