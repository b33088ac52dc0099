// Just enough of the DNS wire format (RFC 1035, EDNS0 RFC 6891) to ask for one
// record type and read the answers' RDATA.
import { ResolverError } from './errors.ts';

/** CERT resource record type (RFC 4398). */
export const TYPE_CERT = 37;
const TYPE_OPT = 41;
const CLASS_IN = 1;
/** UDP payload size advertised with EDNS0, in bytes. */
export const EDNS_UDP_BYTES = 4096;

/** Builds a recursive query for `name` and `type`, with an EDNS0 OPT record. */
export function buildQuery(id: number, name: string, type: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(1, 10); // ARCOUNT (the OPT record)
  const labels = name
    .split('.')
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  const question = Buffer.alloc(4);
  question.writeUInt16BE(type, 0);
  question.writeUInt16BE(CLASS_IN, 2);
  const opt = Buffer.alloc(11);
  opt.writeUInt16BE(TYPE_OPT, 1);
  opt.writeUInt16BE(EDNS_UDP_BYTES, 3);
  return Buffer.concat([header, ...labels, Buffer.from([0]), question, opt]);
}

/** A parsed response: whether it was truncated, its rcode, and the matching RDATA. */
export interface DnsAnswer {
  readonly truncated: boolean;
  /** 0 NOERROR, 3 NXDOMAIN, ... */
  readonly rcode: number;
  readonly records: readonly Uint8Array[];
}

function bad(what: string): never {
  throw new ResolverError('RESOLVER_BAD_RESPONSE', `bad DNS response: ${what}`);
}

function skipName(message: Buffer, start: number): number {
  let offset = start;
  for (let steps = 0; steps < 128; steps += 1) {
    const length = message[offset];
    if (length === undefined) bad('name runs past the end');
    if (length === 0) return offset + 1;
    if ((length & 0xc0) === 0xc0) return offset + 2; // compression pointer ends the name
    offset += length + 1;
  }
  return bad('name too long');
}

/** Parses a response to the query with `id`, keeping the RDATA of records of `type`. */
export function parseResponse(message: Buffer, id: number, type: number): DnsAnswer {
  if (message.length < 12) bad('shorter than a header');
  if (message.readUInt16BE(0) !== id) bad('id does not match the query');
  const flags = message.readUInt16BE(2);
  if ((flags & 0x8000) === 0) bad('not a response');
  const questions = message.readUInt16BE(4);
  const answers = message.readUInt16BE(6);
  let offset = 12;
  for (let index = 0; index < questions; index += 1) offset = skipName(message, offset) + 4;
  const records: Uint8Array[] = [];
  for (let index = 0; index < answers; index += 1) {
    offset = skipName(message, offset);
    if (offset + 10 > message.length) bad('truncated record header');
    const recordType = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 8);
    const start = offset + 10;
    if (start + length > message.length) bad('truncated record data');
    if (recordType === type) records.push(new Uint8Array(message.subarray(start, start + length)));
    offset = start + length;
  }
  return { truncated: (flags & 0x0200) !== 0, rcode: flags & 0x000f, records };
}

/** The X.509 certificate in a CERT record's RDATA, if it holds one (type 1, PKIX). */
export function certificateOfCertRecord(rdata: Uint8Array): Uint8Array | undefined {
  if (rdata.length < 6) return undefined;
  const certificateType = ((rdata[0] ?? 0) << 8) | (rdata[1] ?? 0);
  return certificateType === 1 ? rdata.subarray(5) : undefined;
}
