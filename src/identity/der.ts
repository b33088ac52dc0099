// Not exported from index.ts: shared by this folder and cms/ only.
// A small BER reader and DER writer for the CMS and certificate structures read here.
// The reader keeps every element's raw bytes, which CMS verification needs: the
// signature covers the signed attributes exactly as sent, and SignerInfo matching
// compares issuer names byte for byte. It accepts BER's indefinite lengths and
// constructed strings, which `openssl cms -stream` produces.
import { IdentityError } from './errors.ts';

/** ASN.1 universal tag numbers used in this folder. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x10,
  SET: 0x11,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

/** The class bits of an identifier octet. */
export type TagClass = 'universal' | 'application' | 'context' | 'private';

/** One element as read: its tag, its content, its whole encoding and its children. */
export interface DerNode {
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The content octets (for an indefinite-length element: children without the end mark). */
  readonly content: Buffer;
  /** The whole element, identifier and length included. */
  readonly raw: Buffer;
  /** The parsed children of a constructed element; empty for a primitive one. */
  readonly children: readonly DerNode[];
}

const CLASSES: readonly TagClass[] = ['universal', 'application', 'context', 'private'];
/** Deeper nesting than any certificate or CMS structure needs; refuses pathological input. */
const MAX_DEPTH = 64;

function malformed(why: string): IdentityError {
  return new IdentityError('IDENTITY_MALFORMED_INPUT', `malformed ASN.1: ${why}`);
}

/** Reads exactly one element filling all of `bytes`; throws IDENTITY_MALFORMED_INPUT. */
export function readDer(bytes: Uint8Array): DerNode {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const node = readElement(buffer, 0, buffer.length, 0);
  if (node.end !== buffer.length)
    throw malformed(`${buffer.length - node.end} bytes after the element`);
  return node;
}

/** Shared by every primitive element. */
const NO_CHILDREN: readonly DerNode[] = Object.freeze([]);

/**
 * An element read from `buffer`. Its content and raw bytes become Buffer views only
 * when asked for: a CMS signature with its certificates is hundreds of elements, most
 * of them never looked at, and two views each were most of verifying a message.
 */
class DerElement implements DerNode {
  #content: Buffer | undefined;
  #raw: Buffer | undefined;

  constructor(
    readonly tagClass: TagClass,
    readonly constructed: boolean,
    readonly tagNumber: number,
    readonly children: readonly DerNode[],
    private readonly buffer: Buffer,
    private readonly start: number,
    private readonly contentStart: number,
    private readonly contentEnd: number,
    /** Where the next element starts: past the end-of-contents mark of an indefinite one. */
    readonly end: number,
  ) {}

  get content(): Buffer {
    return (this.#content ??= this.buffer.subarray(this.contentStart, this.contentEnd));
  }

  get raw(): Buffer {
    return (this.#raw ??= this.buffer.subarray(this.start, this.end));
  }
}

/** The octet at `at`, undefined at or past `limit`. */
function octetAt(buffer: Buffer, at: number, limit: number): number | undefined {
  return at < limit ? buffer[at] : undefined;
}

/** Reads the element at `start`, which must end by `limit` (its parent's end). */
function readElement(buffer: Buffer, start: number, limit: number, depth: number): DerElement {
  if (depth > MAX_DEPTH) throw malformed('nested too deeply');
  const identifier = octetAt(buffer, start, limit);
  if (identifier === undefined) throw malformed('truncated identifier');
  let tagNumber = identifier & 0x1f;
  let offset = start + 1;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (;;) {
      const next = octetAt(buffer, offset++, limit);
      if (next === undefined || tagNumber > 0xffffff) throw malformed('bad tag number');
      tagNumber = tagNumber * 128 + (next & 0x7f);
      if ((next & 0x80) === 0) break;
    }
  }
  const constructed = (identifier & 0x20) !== 0;
  const tagClass = CLASSES[identifier >> 6] ?? 'universal';
  const lengthOctet = octetAt(buffer, offset++, limit);
  if (lengthOctet === undefined) throw malformed('truncated length');
  const indefinite = lengthOctet === 0x80;
  if (indefinite && !constructed) throw malformed('indefinite length on a primitive element');
  let length = lengthOctet;
  if (!indefinite && lengthOctet & 0x80) {
    const count = lengthOctet & 0x7f;
    if (count > 4) throw malformed('length too large');
    length = 0;
    for (let i = 0; i < count; i++) {
      const next = octetAt(buffer, offset++, limit);
      if (next === undefined) throw malformed('truncated length');
      length = length * 256 + next;
    }
  }
  const contentStart = offset;
  // An indefinite element's content runs to its end-of-contents mark, within the parent.
  const contentLimit = indefinite ? limit : contentStart + length;
  if (contentLimit > limit) throw malformed('element runs past the end of the input');
  let children = NO_CHILDREN;
  if (constructed) {
    const read: DerNode[] = [];
    for (;;) {
      if (indefinite) {
        if (octetAt(buffer, offset, limit) === 0 && octetAt(buffer, offset + 1, limit) === 0) break;
        if (offset >= limit) throw malformed('missing end-of-contents');
      } else if (offset >= contentLimit) break;
      const child = readElement(buffer, offset, contentLimit, depth + 1);
      read.push(child);
      offset = child.end;
    }
    children = read;
  }
  const contentEnd = indefinite ? offset : contentLimit;
  return new DerElement(
    tagClass,
    constructed,
    tagNumber,
    children,
    buffer,
    start,
    contentStart,
    contentEnd,
    indefinite ? contentEnd + 2 : contentEnd,
  );
}

/** True when `node` is the universal element with tag `tagNumber`. */
export function isUniversal(node: DerNode | undefined, tagNumber: number): node is DerNode {
  return node?.tagClass === 'universal' && node.tagNumber === tagNumber;
}

/** True when `node` is the context-specific element [tagNumber]. */
export function isContext(node: DerNode | undefined, tagNumber: number): node is DerNode {
  return node?.tagClass === 'context' && node.tagNumber === tagNumber;
}

/** Returns `node` if it is the universal element `tagNumber`, else throws. */
export function expectUniversal(
  node: DerNode | undefined,
  tagNumber: number,
  what: string,
): DerNode {
  if (!isUniversal(node, tagNumber)) throw malformed(`expected ${what}`);
  return node;
}

/** The octets of a string element, joining the pieces of a constructed (BER) one. */
export function stringOctets(node: DerNode): Buffer {
  if (!node.constructed) return node.content;
  return Buffer.concat(node.children.map(stringOctets));
}

/** The dotted form of an OBJECT IDENTIFIER element. */
export function readOid(node: DerNode | undefined): string {
  const oid = expectUniversal(node, TAG.OID, 'an OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (const octet of oid.content) {
    value = value * 128 + (octet & 0x7f);
    if ((octet & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = Math.min(Math.floor(value / 40), 2);
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  if (arcs.length === 0) throw malformed('empty OBJECT IDENTIFIER');
  return arcs.join('.');
}

/** An INTEGER's content as unsigned lower-case hex without leading zeros ("0" for zero). */
export function readIntegerHex(node: DerNode | undefined): string {
  const integer = expectUniversal(node, TAG.INTEGER, 'an INTEGER');
  const hex = integer.content.toString('hex').replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}

// ---- writing (DER) ----

/** Octets a definite length takes after the first length octet (0: the short form). */
function longLengthOctets(length: number): number {
  if (length < 0x80) return 0;
  let count = 0;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) count++;
  return count;
}

/**
 * One element from an identifier octet and the pieces of its content, written into a
 * single buffer (a statement is checked by encoding it again, once per signature
 * verified: an allocation per header octet and per piece cost more than the rest).
 */
function element(identifier: number, pieces: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const piece of pieces) length += piece.byteLength;
  const extra = longLengthOctets(length);
  const out = Buffer.allocUnsafe(2 + extra + length);
  out[0] = identifier;
  if (extra === 0) out[1] = length;
  else {
    out[1] = 0x80 | extra;
    for (let at = extra, rest = length; at > 0; at--, rest = Math.floor(rest / 256)) {
      out[1 + at] = rest & 0xff;
    }
  }
  let offset = 2 + extra;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.byteLength;
  }
  return out;
}

/** One element from an identifier octet and its content. */
export function tlv(identifier: number, content: Uint8Array): Buffer {
  return element(identifier, [content]);
}

/** SEQUENCE of already-encoded elements. */
export function sequence(...elements: readonly Uint8Array[]): Buffer {
  return element(0x30, elements);
}

/** SET OF already-encoded elements, sorted as DER requires. */
export function setOf(...elements: readonly Uint8Array[]): Buffer {
  const sorted = elements
    .map((encoded) => Buffer.from(encoded))
    .sort((a, b) => Buffer.compare(a, b));
  return element(0x31, sorted);
}

/** Constructed context-specific [tagNumber] around already-encoded elements. */
export function contextConstructed(tagNumber: number, ...elements: readonly Uint8Array[]): Buffer {
  return element(0xa0 | tagNumber, elements);
}

/** Primitive context-specific [tagNumber] with raw content (IMPLICIT tagging). */
export function contextPrimitive(tagNumber: number, content: Uint8Array): Buffer {
  return tlv(0x80 | tagNumber, content);
}

/** OCTET STRING. */
export function octetString(content: Uint8Array): Buffer {
  return tlv(TAG.OCTET_STRING, content);
}

/** INTEGER from a small non-negative number. */
export function integer(value: number): Buffer {
  const octets: number[] = [];
  let rest = value;
  do {
    octets.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if ((octets[0] ?? 0) & 0x80) octets.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(octets));
}

/** NULL. */
export function nullElement(): Buffer {
  return Buffer.from([TAG.NULL, 0]);
}

/** OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const octets: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const group = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      group.unshift((value & 0x7f) | 0x80);
    }
    octets.push(...group);
  }
  return tlv(TAG.OID, Buffer.from(octets));
}

/** UTCTime for years 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`));
}

/**
 * The same element under another one-octet identifier: IMPLICIT tagging of an encoded
 * element (a SET OF as [0]), or back (a signed-attributes [0] as the SET it is signed as).
 */
export function withIdentifier(identifier: number, element: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([identifier]), element.subarray(1)]);
}
