import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Mt2Envelope } from './envelope.ts';
import { isEnvelopeAddress } from './envelope-xml.ts';
import { MessageError } from './errors.ts';
import type { Mt2Extension } from './extension.ts';
import { readExtension, writeExtension } from './extension-xml.internal.ts';
import type { HeaderField, Mt2Headers } from './headers.ts';
import { MAX_RFC5322_BYTES } from './limits.ts';
import { formatField, parseKnownField, type WritableField } from './rfc5322-fields.internal.ts';
import {
  fieldValueBytes,
  splitHeaderSection,
  type SectionEntry,
} from './rfc5322-section.internal.ts';
import { ElementReader } from './xml-read.internal.ts';
import {
  isXmlText,
  MT2_MESSAGE_NAMESPACE,
  parseXmlDocument,
  replaceXmlForbidden,
  serializeXmlDocument,
} from './xml-tree.ts';

/** The three MT2 objects of one message. */
export interface Mt2Message {
  readonly envelope: Mt2Envelope;
  readonly headers: Mt2Headers;
  /** The body: a raw MIME entity (its Content-* header, blank line and content). */
  readonly body: Uint8Array;
}

/**
 * What the SMTP envelope says about a legacy message, which RFC 5322 octets do not
 * carry. Whatever is missing is derived from the header fields.
 */
export interface SmtpEnvelope {
  readonly messageId?: string;
  readonly sender?: string;
  readonly recipients?: readonly string[];
}

/** The field that carries one recipient extension through RFC 5322 (see docs/message-format.md). */
const EXTENSION_FIELD = 'MT2-Extension';
const BODY_FIELD = /^content-/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Every string inside a structured value, however deeply nested. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.values(value).flatMap(stringsOf);
  }
  return [];
}

/** Whether XML can carry every string of a structured field (a decoded Subject may hold control characters). */
function isXmlSafe(field: WritableField): boolean {
  return stringsOf(field).every(isXmlText);
}

/** A legacy field's value: unfolded, and safe for XML even when the octets are not UTF-8. */
function legacyValue(value: Uint8Array): string {
  return replaceXmlForbidden(
    lenientUtf8
      .decode(value)
      .replace(/\r?\n(?=[ \t])/g, '')
      .replace(/^ /, '')
      .replace(/[\r\n]/g, ' '),
  );
}

function extensionFieldValue(extension: Mt2Extension): string {
  const element = writeExtension(extension, '/extension');
  const document = serializeXmlDocument({
    ...element,
    attributes: { xmlns: MT2_MESSAGE_NAMESPACE, ...element.attributes },
  });
  return (
    Buffer.from(document)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join(' ');
}

function readExtensionField(value: string): Mt2Extension | undefined {
  try {
    const root = parseXmlDocument(Buffer.from(value.replace(/\s/g, ''), 'base64'));
    if (root.name !== 'extension' || root.attributes['xmlns'] !== MT2_MESSAGE_NAMESPACE)
      return undefined;
    const { xmlns: _namespace, ...attributes } = root.attributes;
    return readExtension(new ElementReader({ ...root, attributes }, '/extension'));
  } catch (error) {
    if (error instanceof MessageError) return undefined;
    throw error;
  }
}

function formatExtensionField(extension: Mt2Extension): string {
  return formatField({
    kind: 'legacy',
    name: `RFC822.${EXTENSION_FIELD}`,
    value: extensionFieldValue(extension),
  });
}

function bytesEqual(left: Uint8Array, right: Uint8Array): boolean {
  return Buffer.compare(left, right) === 0;
}

/** One field entry to its MT2 field: structured when it parses and XML can carry it, legacy otherwise. */
function convertField(
  name: string,
  octets: Uint8Array,
  value: Uint8Array,
): WritableField & { raw?: Uint8Array } {
  let text: string | undefined;
  try {
    text = utf8.decode(value).replace(/\r?\n(?=[ \t])/g, '');
  } catch {
    text = undefined;
  }
  const structured =
    text === undefined || /[\r\n]/.test(text) ? undefined : parseKnownField(name, text);
  const field: WritableField =
    structured !== undefined && isXmlSafe(structured)
      ? structured
      : { kind: 'legacy', name: `RFC822.${name}`, value: legacyValue(value) };
  return bytesEqual(Buffer.from(formatField(field)), octets) ? field : { ...field, raw: octets };
}

interface MappingChoices {
  /** Whether canonical MT2-Extension fields become recipient extensions. */
  readonly extensions: boolean;
}

function mapHeaders(
  bytes: Uint8Array,
  choices: MappingChoices,
): { headers: Mt2Headers; body: Uint8Array } {
  const { entries, restStart } = splitHeaderSection(bytes);
  const isBodyEntry = (entry: SectionEntry) =>
    entry.kind === 'field' && BODY_FIELD.test(entry.name);
  const lastHeaderEntry = entries.findLastIndex((entry) => !isBodyEntry(entry));
  const interleaved = entries.some((entry, index) => isBodyEntry(entry) && index < lastHeaderEntry);
  const fields: HeaderField[] = [];
  const extensions: Mt2Extension[] = [];
  const bodyParts: Uint8Array[] = [];
  for (const entry of entries) {
    // A copy, so the objects never alias the caller's buffer.
    const octets = new Uint8Array(bytes.subarray(entry.start, entry.end));
    if (isBodyEntry(entry)) {
      bodyParts.push(octets);
      if (interleaved) fields.push({ kind: 'bodyField' });
      continue;
    }
    if (entry.kind === 'unparsed') {
      fields.push({ kind: 'unparsed', raw: octets });
      continue;
    }
    const field = convertField(entry.name, octets, fieldValueBytes(bytes, entry));
    const extension =
      choices.extensions &&
      field.kind === 'legacy' &&
      field.raw === undefined &&
      field.name === `RFC822.${EXTENSION_FIELD}`
        ? readExtensionField(field.value)
        : undefined;
    if (extension !== undefined) extensions.push(extension);
    else fields.push(field);
  }
  bodyParts.push(bytes.subarray(restStart));
  return { headers: { fields, extensions }, body: new Uint8Array(Buffer.concat(bodyParts)) };
}

function deriveEnvelope(bytes: Uint8Array, headers: Mt2Headers, smtp: SmtpEnvelope): Mt2Envelope {
  let messageId = smtp.messageId;
  let sender = smtp.sender;
  const recipients: string[] = [];
  for (const field of headers.fields) {
    if (field.kind === 'messageId') messageId ??= field.id;
    else if (field.kind === 'legacy' && field.name.toLowerCase() === 'rfc822.return-path') {
      sender ??= /<([^<>]*)>/.exec(field.value)?.[1];
    } else if (field.kind === 'from') sender ??= field.mailboxes[0]?.address;
    else if (field.kind === 'to' || field.kind === 'cc' || field.kind === 'bcc') {
      for (const entry of field.addresses) {
        for (const mailbox of 'group' in entry ? entry.members : [entry])
          recipients.push(mailbox.address);
      }
    }
  }
  // A message without a Message-ID still needs a msg-id: one derived from its octets
  // is stable across imports of the same message.
  messageId ??= `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}@legacy.invalid`;
  return {
    messageId,
    sender: sender !== undefined && isEnvelopeAddress(sender) ? sender : '',
    recipients: [...new Set(smtp.recipients ?? recipients)].filter(isEnvelopeAddress),
    control: false,
    trace: [],
    extensions: [],
  };
}

/**
 * Maps an RFC 5322/MIME message to the three MT2 objects. The Content-* fields and
 * everything after the header section become the body; every other field becomes a
 * header field (structured where MT2 has an entity, `RFC822.<name>` otherwise), with its
 * original octets kept wherever the canonical form would differ. The mapping is
 * checked: {@link mt2ToRfc5322} of the result gives back exactly `bytes`.
 */
export function rfc5322ToMt2(bytes: Uint8Array, smtp: SmtpEnvelope = {}): Mt2Message {
  if (bytes.byteLength > MAX_RFC5322_BYTES) {
    throw new MessageError(
      'RFC5322_TOO_LARGE',
      `message of ${bytes.byteLength} bytes exceeds ${MAX_RFC5322_BYTES}`,
    );
  }
  // A message that itself carries MT2-Extension fields out of place maps them as legacy
  // fields instead, so that the octets still come back exactly.
  for (const extensions of [true, false]) {
    const { headers, body } = mapHeaders(bytes, { extensions });
    if (bytesEqual(mt2ToRfc5322({ headers, body }), bytes)) {
      return { envelope: deriveEnvelope(bytes, headers, smtp), headers, body };
    }
  }
  throw new MessageError('RFC5322_MALFORMED', 'message cannot be mapped reversibly');
}

/** The octets a field is written as: its raw octets while they still say the same, else the canonical form. */
function fieldOctets(field: WritableField & { raw?: Uint8Array }): Uint8Array {
  const canonical = formatField(field);
  if (field.raw === undefined) return Buffer.from(canonical);
  const section = splitHeaderSection(field.raw);
  const [entry] = section.entries;
  if (
    entry?.kind === 'field' &&
    section.entries.length === 1 &&
    entry.end === field.raw.byteLength
  ) {
    const { raw: _raw, ...fresh } = convertField(
      entry.name,
      field.raw,
      fieldValueBytes(field.raw, entry),
    );
    const { raw: _own, ...current } = field;
    if (isDeepStrictEqual(fresh, current)) return field.raw;
  }
  return Buffer.from(canonical);
}

/**
 * Writes MT2 headers and body as one RFC 5322 message: the header fields in order
 * (Content-* fields of the body where `bodyField` placeholders stand), the recipient
 * extensions as MT2-Extension fields, then the body entity.
 */
export function mt2ToRfc5322(message: Pick<Mt2Message, 'headers' | 'body'>): Uint8Array {
  const parts: Uint8Array[] = [];
  const bodySection = splitHeaderSection(message.body);
  let bodyFieldsUsed = 0;
  for (const field of message.headers.fields) {
    if (field.kind === 'bodyField') {
      const entry = bodySection.entries[bodyFieldsUsed];
      if (entry === undefined) {
        throw new MessageError(
          'RFC5322_MALFORMED',
          'more bodyField placeholders than body header fields',
          '/headers',
        );
      }
      parts.push(message.body.subarray(entry.start, entry.end));
      bodyFieldsUsed += 1;
    } else if (field.kind === 'unparsed') {
      parts.push(field.raw);
    } else {
      parts.push(fieldOctets(field));
    }
  }
  for (const extension of message.headers.extensions)
    parts.push(Buffer.from(formatExtensionField(extension)));
  const bodyStart = bodyFieldsUsed === 0 ? 0 : (bodySection.entries[bodyFieldsUsed - 1]?.end ?? 0);
  parts.push(message.body.subarray(bodyStart));
  return new Uint8Array(Buffer.concat(parts));
}
