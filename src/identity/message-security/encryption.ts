// Encryption of the headers and body parts (profile section 5): each may be CMS
// EnvelopedData to every recipient and the sender; the envelope stays clear and says,
// in a delivery extension, which parts are encrypted.
import type { X509Certificate } from 'node:crypto';
import {
  DELIVERY_EXTENSION_ARC,
  type Mt2Envelope,
  type Mt2Extension,
} from '../../message/index.ts';
import { decryptCms, type CmsRecipient } from '../cms/decrypt.ts';
import { IdentityError } from '../errors.ts';
import { encryptCms } from '../cms/encrypt.ts';
import { MessageSecurityError } from './errors.ts';

/**
 * Delivery extension naming the encrypted parts (src/message/oids.ts: delivery arc, `.2`).
 * Its content is the names of the encrypted parts separated by blanks: `headers body`.
 * Not critical: a server needs no part's content to route a message.
 */
export const ENCRYPTED_PARTS_OID = `${DELIVERY_EXTENSION_ARC}.2`;

/** A part that may travel encrypted. */
export type EncryptablePart = 'headers' | 'body';

const ENCRYPTABLE: readonly EncryptablePart[] = ['headers', 'body'];

/** A message's three parts: the decoded envelope and the exact octets of headers and body. */
export interface MessageParts {
  readonly envelope: Mt2Envelope;
  /** The headers part as transferred (EnvelopedData DER when encrypted). */
  readonly headers: Uint8Array;
  /** The body part as transferred (EnvelopedData DER when encrypted). */
  readonly body: Uint8Array;
}

/**
 * The parts the envelope marks encrypted. Names other than `headers` and `body` in the
 * extension are ignored; a second extension with the same OID adds to the first.
 */
export function encryptedPartsOf(envelope: Mt2Envelope): ReadonlySet<EncryptablePart> {
  const names = envelope.extensions
    .filter((extension) => extension.oid === ENCRYPTED_PARTS_OID)
    .flatMap((extension) => extension.content.filter((node) => typeof node === 'string'))
    .join(' ')
    .split(/\s+/);
  return new Set(ENCRYPTABLE.filter((part) => names.includes(part)));
}

/** The envelope with its encrypted-parts extension replaced by one naming `parts` (none: removed). */
export function markEncryptedParts(
  envelope: Mt2Envelope,
  parts: Iterable<EncryptablePart>,
): Mt2Envelope {
  const wanted = new Set(parts);
  const names = ENCRYPTABLE.filter((part) => wanted.has(part));
  const others = envelope.extensions.filter((extension) => extension.oid !== ENCRYPTED_PARTS_OID);
  const marker: Mt2Extension = {
    oid: ENCRYPTED_PARTS_OID,
    critical: false,
    content: [names.join(' ')],
  };
  return { ...envelope, extensions: names.length === 0 ? others : [...others, marker] };
}

/**
 * Encrypts one part's octets as CMS EnvelopedData (AES-256-CBC, RSA key transport) to
 * each certificate; pass every recipient's and the sender's. Errors: those of encryptCms
 * (CMS_UNSUPPORTED_ALGORITHM for a non-RSA recipient, IDENTITY_INPUT_TOO_LARGE over
 * MAX_CMS_INPUT_BYTES); MSGSEC_NO_RECIPIENTS without any certificate.
 */
export function encryptPart(octets: Uint8Array, recipients: readonly X509Certificate[]): Buffer {
  if (recipients.length === 0) {
    throw new MessageSecurityError('MSGSEC_NO_RECIPIENTS', 'no certificate to encrypt to');
  }
  return encryptCms(octets, recipients);
}

/**
 * Who may read a part: one certificate and key, or several (a user's current key first,
 * then earlier ones, so mail encrypted before a renewal stays readable).
 */
export type CmsReaders = CmsRecipient | readonly CmsRecipient[];

/**
 * Decrypts one part with the reader's certificate and key (with the first of several
 * the part names). Errors: those of decryptCms (CMS_NO_MATCHING_RECIPIENT when the part
 * was not encrypted to any of them, CMS_DECRYPTION_FAILED, CMS_WRONG_CONTENT_TYPE,
 * IDENTITY_MALFORMED_INPUT).
 */
export function decryptPart(octets: Uint8Array, readers: CmsReaders): Buffer {
  const [first, ...others] = 'certificate' in readers ? [readers] : readers;
  if (first === undefined) {
    throw new IdentityError('CMS_NO_MATCHING_RECIPIENT', 'no key to decrypt with');
  }
  try {
    return decryptCms(octets, first);
  } catch (error) {
    const notForThisKey =
      error instanceof IdentityError && error.code === 'CMS_NO_MATCHING_RECIPIENT';
    if (!notForThisKey || others.length === 0) throw error;
    return decryptPart(octets, others);
  }
}

/**
 * Encrypts the chosen parts to the recipients and the sender and marks them in the
 * envelope. Sign afterwards ({@link signMessage}): the signature covers the octets as
 * transferred. MSGSEC_WRONG_MESSAGE_KIND for a control message or an already encrypted part.
 */
export function encryptMessageParts(
  parts: MessageParts,
  which: readonly EncryptablePart[],
  recipients: readonly X509Certificate[],
  sender: X509Certificate,
): MessageParts {
  if (parts.envelope.control) {
    throw new MessageSecurityError('MSGSEC_WRONG_MESSAGE_KIND', 'a control message has no parts');
  }
  const already = encryptedPartsOf(parts.envelope);
  const chosen = new Set(which);
  for (const part of chosen) {
    if (already.has(part)) {
      throw new MessageSecurityError(
        'MSGSEC_WRONG_MESSAGE_KIND',
        `the ${part} part is already encrypted`,
      );
    }
  }
  const to = [...recipients, sender];
  return {
    envelope: markEncryptedParts(parts.envelope, [...already, ...chosen]),
    headers: chosen.has('headers') ? encryptPart(parts.headers, to) : parts.headers,
    body: chosen.has('body') ? encryptPart(parts.body, to) : parts.body,
  };
}
