// A small, strict DER reader and writer: just what certificate and CRL parsing needs.
// Every read is bounds-checked; anything malformed throws CertificateInputError.
import { CertificateInputError } from './errors.ts';

/** ASN.1 tag classes as they appear in the top two bits of an identifier octet. */
export const TAG_CLASS = { universal: 0, application: 1, context: 2, private: 3 } as const;

/** Universal tag numbers used by X.509. */
export const TAG = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  teletexString: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  universalString: 28,
  bmpString: 30,
} as const;

/** One decoded TLV: its tag, its content octets, and the whole encoding. */
export interface Tlv {
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The content octets (without identifier and length). */
  readonly content: Uint8Array;
  /** The complete encoding, identifier to last content octet. */
  readonly encoded: Uint8Array;
}

function malformed(what: string): never {
  throw new CertificateInputError('MALFORMED_DER', `malformed DER: ${what}`);
}

/** Reads one TLV at `offset`; returns it and the offset just past it. */
export function readTlv(bytes: Uint8Array, offset = 0): { tlv: Tlv; next: number } {
  let position = offset;
  const identifier = bytes[position++];
  if (identifier === undefined) malformed('unexpected end of data');
  let tagNumber = identifier & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (;;) {
      const octet = bytes[position++];
      if (octet === undefined || tagNumber > 0xffffff) malformed('bad tag number');
      tagNumber = tagNumber * 128 + (octet & 0x7f);
      if ((octet & 0x80) === 0) break;
    }
  }
  const first = bytes[position++];
  if (first === undefined) malformed('missing length');
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) malformed('unsupported length form');
    length = 0;
    for (let index = 0; index < count; index += 1) {
      const octet = bytes[position++];
      if (octet === undefined) malformed('truncated length');
      length = length * 256 + octet;
    }
  }
  const end = position + length;
  if (end > bytes.length) malformed('length runs past the end of the data');
  return {
    tlv: {
      tagClass: identifier >> 6,
      constructed: (identifier & 0x20) !== 0,
      tagNumber,
      content: bytes.subarray(position, end),
      encoded: bytes.subarray(offset, end),
    },
    next: end,
  };
}

/** Decodes exactly one TLV that must fill `bytes`. */
export function decodeOne(bytes: Uint8Array): Tlv {
  const { tlv, next } = readTlv(bytes, 0);
  if (next !== bytes.length) malformed('trailing data after the value');
  return tlv;
}

/** The children of a constructed TLV. */
export function children(tlv: Tlv): Tlv[] {
  if (!tlv.constructed) malformed('expected a constructed value');
  const result: Tlv[] = [];
  let offset = 0;
  while (offset < tlv.content.length) {
    const { tlv: child, next } = readTlv(tlv.content, offset);
    result.push(child);
    offset = next;
  }
  return result;
}

/** Asserts a universal tag and returns the TLV. */
export function expectUniversal(tlv: Tlv | undefined, tagNumber: number, what: string): Tlv {
  if (tlv?.tagClass !== TAG_CLASS.universal || tlv.tagNumber !== tagNumber) {
    malformed(`expected ${what}`);
  }
  return tlv;
}

/** True when `tlv` is context-specific with this tag number. */
export function isContext(tlv: Tlv | undefined, tagNumber: number): tlv is Tlv {
  return tlv?.tagClass === TAG_CLASS.context && tlv.tagNumber === tagNumber;
}

/** Decodes an OBJECT IDENTIFIER's content octets as dotted text. */
export function readOid(tlv: Tlv): string {
  const content = expectUniversal(tlv, TAG.oid, 'an OBJECT IDENTIFIER').content;
  const arcs: number[] = [];
  let value = 0;
  for (const octet of content) {
    value = value * 128 + (octet & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) malformed('OID arc too large');
    if ((octet & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  if (arcs.length === 0 || (content.at(-1) ?? 0) & 0x80) malformed('truncated OID');
  return arcs.join('.');
}

/**
 * An INTEGER's two's-complement content octets as lowercase hex, exactly as encoded
 * (DER is minimal, so equal numbers give equal text, and negative serials stay apart
 * from positive ones).
 */
export function readIntegerHex(tlv: Tlv): string {
  const content = expectUniversal(tlv, TAG.integer, 'an INTEGER').content;
  if (content.length === 0) malformed('empty INTEGER');
  return Buffer.from(content).toString('hex');
}

/** An INTEGER small enough for a JavaScript number (lengths, versions). */
export function readSmallInteger(tlv: Tlv): number {
  const content = expectUniversal(tlv, TAG.integer, 'an INTEGER').content;
  if (content.length === 0 || content.length > 6) malformed('INTEGER out of range');
  let value = 0;
  for (const octet of content) value = value * 256 + octet;
  return (content[0] ?? 0) & 0x80 ? value - 2 ** (8 * content.length) : value;
}

/** A non-negative INTEGER of any size (CRL numbers). */
export function readBigInteger(tlv: Tlv): bigint {
  const hex = readIntegerHex(tlv);
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80)
    malformed('negative INTEGER where none is allowed');
  return BigInt(`0x${hex}`);
}

/** A BOOLEAN. */
export function readBoolean(tlv: Tlv): boolean {
  const content = expectUniversal(tlv, TAG.boolean, 'a BOOLEAN').content;
  if (content.length !== 1) malformed('BOOLEAN of wrong length');
  return content[0] !== 0;
}

/** The set bits of a BIT STRING's content octets (bit 0 is the first, most significant). */
export function bitsOf(content: Uint8Array): Set<number> {
  const bits = new Set<number>();
  const unused = content[0] ?? 0;
  const data = content.subarray(1);
  for (let index = 0; index < data.length * 8 - unused; index += 1) {
    if (((data[index >> 3] ?? 0) >> (7 - (index & 7))) & 1) bits.add(index);
  }
  return bits;
}

/** A BIT STRING's payload octets (the unused-bits count dropped). */
export function bitStringBytes(tlv: Tlv): Uint8Array {
  return expectUniversal(tlv, TAG.bitString, 'a BIT STRING').content.subarray(1);
}

/** Decodes a string-typed value to text; undefined when the tag is not a string type. */
export function readString(tlv: Tlv): string | undefined {
  if (tlv.tagClass !== TAG_CLASS.universal) return undefined;
  const content = Buffer.from(tlv.content);
  switch (tlv.tagNumber) {
    case TAG.utf8String:
    case TAG.printableString:
    case TAG.ia5String:
    case 18: // NumericString
    case 26: // VisibleString
      return content.toString('utf8');
    case TAG.teletexString:
      return content.toString('latin1');
    case TAG.bmpString:
      if (content.length % 2 !== 0) malformed('a BMPString of an odd length');
      return Buffer.from(content).swap16().toString('utf16le');
    case TAG.universalString: {
      if (content.length % 4 !== 0) malformed('a UniversalString whose length is not 4n');
      const points: number[] = [];
      for (let index = 0; index < content.length; index += 4) {
        const point = content.readUInt32BE(index);
        if (point > 0x10ffff) malformed('a UniversalString character beyond U+10FFFF');
        points.push(point);
      }
      return String.fromCodePoint(...points);
    }
    default:
      return undefined;
  }
}

/** Reads a UTCTime or GeneralizedTime (RFC 5280 4.1.2.5 forms, Z only). */
export function readTime(tlv: Tlv): Date {
  const text = Buffer.from(tlv.content).toString('latin1');
  let match: RegExpExecArray | null;
  let year: number;
  if (tlv.tagNumber === TAG.utcTime) {
    match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(text);
    if (match === null) malformed(`bad UTCTime '${text}'`);
    const short = Number(match[1]);
    year = short >= 50 ? 1900 + short : 2000 + short;
  } else if (tlv.tagNumber === TAG.generalizedTime) {
    match = /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(text);
    if (match === null) malformed(`bad GeneralizedTime '${text}'`);
    year = Number(match[1]);
  } else {
    malformed('expected a time');
  }
  const [, , month, day, hour, minute, second] = match;
  return new Date(
    Date.UTC(
      year,
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second ?? 0),
    ),
  );
}

/** Encodes one TLV with a universal or context tag (tag numbers below 31). */
export function encodeTlv(identifier: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [identifier, length];
  else if (length < 0x100) header = [identifier, 0x81, length];
  else if (length < 0x10000) header = [identifier, 0x82, length >> 8, length & 0xff];
  else header = [identifier, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}

/** Identifier octet of a constructed SEQUENCE. */
export const SEQUENCE_IDENTIFIER = 0x30;
