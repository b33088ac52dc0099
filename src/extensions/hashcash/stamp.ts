import { HashcashError } from './errors.ts';

/**
 * A hashcash version 1 stamp: `1:bits:date:resource:ext:rand:counter`
 * (the format of the `hashcash` tool, hashcash.org). The stamp is worth `bits` when the
 * SHA-1 of its text starts with that many zero bits.
 */
export interface HashcashStamp {
  /** The claimed number of leading zero bits. */
  readonly bits: number;
  /** When the stamp was minted, to the precision written (UTC). */
  readonly date: Date;
  /** How the date was written: 6 (YYMMDD), 10 (YYMMDDhhmm) or 12 (YYMMDDhhmmss) digits. */
  readonly dateWidth: 6 | 10 | 12;
  /** What the postage pays for: in MT2, the recipient address. */
  readonly resource: string;
  /** The extension field, usually empty. */
  readonly extension: string;
  readonly rand: string;
  readonly counter: string;
}

/** Longest stamp text accepted, in characters; real stamps are well under 200. */
export const MAX_STAMP_LENGTH = 1024;

/** Most bits a stamp may claim; SHA-1 has 160 and nobody mints more than ~40. */
export const MAX_STAMP_BITS = 160;

const FIELD = /^[^:]*$/;

/** Parses a stamp's text; throws HASHCASH_MALFORMED or HASHCASH_UNSUPPORTED_VERSION. */
export function parseStamp(text: string): HashcashStamp {
  if (text.length > MAX_STAMP_LENGTH) {
    throw new HashcashError(
      'HASHCASH_MALFORMED',
      `stamp longer than ${MAX_STAMP_LENGTH} characters`,
    );
  }
  const fields = text.split(':');
  if (fields[0] !== '1') {
    throw new HashcashError(
      'HASHCASH_UNSUPPORTED_VERSION',
      `stamp version '${fields[0] ?? ''}' is not 1`,
    );
  }
  const [, bitsText, dateText, resource, extension, rand, counter] = fields;
  if (
    fields.length !== 7 ||
    bitsText === undefined ||
    dateText === undefined ||
    resource === undefined ||
    extension === undefined ||
    rand === undefined ||
    counter === undefined
  ) {
    throw new HashcashError('HASHCASH_MALFORMED', 'a version 1 stamp has seven fields');
  }
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > MAX_STAMP_BITS) {
    throw new HashcashError('HASHCASH_MALFORMED', `bad bit count '${bitsText}'`);
  }
  if (rand === '' || counter === '') {
    throw new HashcashError('HASHCASH_MALFORMED', 'empty rand or counter field');
  }
  return {
    bits: Number(bitsText),
    ...parseStampDate(dateText),
    resource,
    extension,
    rand,
    counter,
  };
}

/** Formats a stamp back to its text; the inverse of parseStamp. */
export function formatStamp(stamp: HashcashStamp): string {
  for (const field of [stamp.resource, stamp.extension, stamp.rand, stamp.counter]) {
    if (!FIELD.test(field)) {
      throw new HashcashError('HASHCASH_MALFORMED', `field '${field}' contains ':'`);
    }
  }
  return [
    '1',
    String(stamp.bits),
    formatStampDate(stamp.date, stamp.dateWidth),
    stamp.resource,
    stamp.extension,
    stamp.rand,
    stamp.counter,
  ].join(':');
}

function parseStampDate(text: string): Pick<HashcashStamp, 'date' | 'dateWidth'> {
  const match = /^(\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/.exec(text);
  if (match === null) {
    throw new HashcashError('HASHCASH_MALFORMED', `bad date '${text}'`);
  }
  const [, yy, mm, dd, hh, mi, ss] = match;
  const [year, month, day, hour, minute, second] = [yy, mm, dd, hh, mi, ss].map((part) =>
    Number(part ?? '0'),
  ) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(2000 + year, month - 1, day, hour, minute, second));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new HashcashError('HASHCASH_MALFORMED', `no such date '${text}'`);
  }
  return { date, dateWidth: text.length as 6 | 10 | 12 };
}

function formatStampDate(date: Date, width: 6 | 10 | 12): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const full =
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds());
  return full.slice(0, width);
}

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}
