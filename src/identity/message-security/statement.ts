// The exact octets the sender and each trace host sign (docs/message-security.md). Both
// are small DER statements embedded in their CMS SignedData, so a verifier can say
// which part differs; the parts themselves are only ever covered by their SHA-256.
import { createHash } from 'node:crypto';
import {
  integer,
  nullElement,
  octetString,
  oid,
  readDer,
  sequence,
  tlv,
  type DerNode,
} from '../der.ts';
import { IdentityError } from '../errors.ts';
import { OID_SHA256 } from '../oids.ts';

/** Version of both statements; a verifier refuses any other. */
const STATEMENT_VERSION = 1;
const UTF8_STRING = 0x0c;
const BOOLEAN = 0x01;

/** The part types a message statement names, in the order they appear in it. */
export type SignedPartType = 'message/headers' | 'message/body' | 'message/error-report';

/** One signed part: its type, whether it travels encrypted, and SHA-256 of its octets. */
export interface PartDigest {
  readonly type: SignedPartType;
  readonly encrypted: boolean;
  /** SHA-256 of the part's octets as transferred (32 bytes). */
  readonly digest: Buffer;
}

/** What the sender signs: the message id and the digest of every part. */
export interface MessageStatement {
  readonly messageId: string;
  readonly parts: readonly PartDigest[];
}

/** What a trace host signs: its entry and the digest of the signature before it. */
export interface TraceStatement {
  readonly messageId: string;
  readonly host: string;
  /** The entry's time as the envelope writes it (RFC 3339, milliseconds, `Z`). */
  readonly time: string;
  /** SHA-256 of the previous signature's DER (the sender's for the first entry). */
  readonly previousDigest: Buffer;
}

/** SHA-256 of `octets`. */
export function sha256(octets: Uint8Array): Buffer {
  return createHash('sha256').update(octets).digest();
}

const utf8 = (text: string) => tlv(UTF8_STRING, Buffer.from(text, 'utf8'));
const boolean = (value: boolean) => tlv(BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
// The same in every statement: encoded once (each verified signature encodes one again).
const VERSION = integer(STATEMENT_VERSION);
const SHA256_ALGORITHM = sequence(oid(OID_SHA256), nullElement());

/** DER of a message statement (see docs/message-security.md for the ASN.1). */
export function encodeMessageStatement(statement: MessageStatement): Buffer {
  return sequence(
    VERSION,
    utf8(statement.messageId),
    SHA256_ALGORITHM,
    sequence(
      ...statement.parts.map((part) =>
        sequence(utf8(part.type), boolean(part.encrypted), octetString(part.digest)),
      ),
    ),
  );
}

/** DER of a trace statement (see docs/message-security.md for the ASN.1). */
export function encodeTraceStatement(statement: TraceStatement): Buffer {
  return sequence(
    VERSION,
    utf8(statement.messageId),
    utf8(statement.host),
    utf8(statement.time),
    SHA256_ALGORITHM,
    octetString(statement.previousDigest),
  );
}

function malformed(why: string): IdentityError {
  return new IdentityError('IDENTITY_MALFORMED_INPUT', `signed statement: ${why}`);
}

function fields(der: Uint8Array, count: number): DerNode[] {
  const root = readDer(der);
  if (root.tagNumber !== 0x10 || root.children.length !== count) throw malformed('wrong shape');
  return [...root.children];
}

function text(node: DerNode | undefined): string {
  if (node?.tagNumber !== UTF8_STRING || node.constructed) throw malformed('UTF8String expected');
  return node.content.toString('utf8');
}

function octets(node: DerNode | undefined): Buffer {
  if (node?.tagNumber !== 0x04 || node.content.length !== 32) throw malformed('digest expected');
  return node.content;
}

const PART_TYPES: readonly string[] = ['message/headers', 'message/body', 'message/error-report'];

function partDigest(node: DerNode): PartDigest {
  const [type, encrypted, digest] = node.children;
  const name = text(type);
  if (!PART_TYPES.includes(name)) throw malformed(`unknown part type ${name}`);
  if (encrypted?.tagNumber !== BOOLEAN || encrypted.content.length !== 1)
    throw malformed('BOOLEAN expected');
  return {
    type: name as SignedPartType,
    encrypted: encrypted.content[0] !== 0,
    digest: octets(digest),
  };
}

/**
 * Reads a message statement. Strict: the input must be exactly the DER this module
 * writes (it is re-encoded and compared), so one statement has one encoding.
 * Throws IDENTITY_MALFORMED_INPUT.
 */
export function decodeMessageStatement(der: Uint8Array): MessageStatement {
  const [, messageId, , parts] = fields(der, 4);
  const statement = {
    messageId: text(messageId),
    parts: (parts?.children ?? []).map(partDigest),
  };
  if (!encodeMessageStatement(statement).equals(der)) throw malformed('not the canonical DER');
  return statement;
}

/** Reads a trace statement; strict like {@link decodeMessageStatement}. */
export function decodeTraceStatement(der: Uint8Array): TraceStatement {
  const [, messageId, host, time, , previous] = fields(der, 6);
  const statement = {
    messageId: text(messageId),
    host: text(host),
    time: text(time),
    previousDigest: octets(previous),
  };
  if (!encodeTraceStatement(statement).equals(der)) throw malformed('not the canonical DER');
  return statement;
}
