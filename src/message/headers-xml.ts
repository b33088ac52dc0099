import { MessageError } from './errors.ts';
import type { Mt2Extension } from './extension.ts';
import { readExtension, writeExtension } from './extension-xml.internal.ts';
import {
  LIST_URI_FIELD_NAMES,
  type AddressEntry,
  type HeaderField,
  type ListUriFieldName,
  type Mailbox,
  type Mt2Headers,
} from './headers.ts';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.ts';
import {
  readBase64,
  readDateTime,
  readRoot,
  writeBase64,
  writeDateTime,
  type ElementReader,
} from './xml-read.internal.ts';
import {
  MT2_MESSAGE_NAMESPACE,
  parseXmlDocument,
  serializeXmlDocument,
  type XmlElement,
} from './xml-tree.ts';
import { element, indented } from './xml-write.internal.ts';

/** An address as a headers object holds it: non-empty, one line, no angle brackets. */
export const MAILBOX_ADDRESS = /^[^\r\n<>]+$/u;
/** A message id without its angle brackets. */
export const MESSAGE_ID = /^[^\s<>]+$/u;
/** A legacy field name: RFC822. and an RFC 5322 field name (printable ASCII but ':'). */
const LEGACY_NAME = /^RFC822\.[\x21-\x39\x3B-\x7E]+$/;

/**
 * Where a field is checked, and how a fault there fails: decoding throws
 * XML_INVALID_STRUCTURE (an ElementReader is one), encoding XML_UNENCODABLE. Paths below
 * the field are built only for a fault: a sync decodes thousands of headers objects.
 */
interface FieldSite {
  readonly path: string;
  fail(reason: string, path: string): never;
}

/**
 * Fails unless the address is one non-empty line without <>; the mailbox is the
 * `position`th below `within` (a group's step, or nothing).
 */
function checkMailbox(mailbox: Mailbox, site: FieldSite, within: string, position: number): void {
  if (!MAILBOX_ADDRESS.test(mailbox.address)) {
    site.fail(
      'address must be one non-empty line without <>',
      `${site.path}${within}/mailbox[${position}]/@address`,
    );
  }
}

function checkMailboxes(mailboxes: readonly Mailbox[], site: FieldSite, within = ''): void {
  mailboxes.forEach((mailbox, index) => {
    checkMailbox(mailbox, site, within, index + 1);
  });
}

function checkIds(ids: readonly string[], site: FieldSite): void {
  ids.forEach((id, index) => {
    if (!MESSAGE_ID.test(id))
      site.fail(`'${id}' is not a message id`, `${site.path}/id[${index + 1}]`);
  });
}

function checkAddressList(entries: readonly AddressEntry[], site: FieldSite): void {
  entries.forEach((entry, index) => {
    if ('group' in entry) checkMailboxes(entry.members, site, `/group[${index + 1}]`);
    else checkMailbox(entry, site, '', index + 1);
  });
}

function checkField(field: HeaderField, site: FieldSite): void {
  switch (field.kind) {
    case 'from':
      if (field.mailboxes.length === 0) site.fail('from needs at least one mailbox', site.path);
      checkMailboxes(field.mailboxes, site);
      break;
    case 'sender':
      checkMailbox(field.mailbox, site, '', 1);
      break;
    case 'replyTo':
    case 'to':
    case 'cc':
    case 'bcc':
      checkAddressList(field.addresses, site);
      break;
    case 'messageId':
      if (!MESSAGE_ID.test(field.id)) site.fail(`'${field.id}' is not a message id`, site.path);
      break;
    case 'inReplyTo':
    case 'references':
      checkIds(field.ids, site);
      break;
    case 'listId':
      if (!MESSAGE_ID.test(field.id)) site.fail(`'${field.id}' is not a list id`, site.path);
      break;
    case 'list':
      if (!LIST_URI_FIELD_NAMES.includes(field.field))
        site.fail(`'${field.field}' is not a list field`, `${site.path}/@field`);
      field.uris.forEach((uri, index) => {
        if (!/^[^\s<>]+$/.test(uri))
          site.fail(`'${uri}' is not a URI`, `${site.path}/uri[${index + 1}]`);
      });
      break;
    case 'legacy':
      if (!LEGACY_NAME.test(field.name))
        site.fail(`'${field.name}' is not RFC822.<field name>`, `${site.path}/@name`);
      if (/[\r\n]/.test(field.value)) site.fail('a legacy value is one unfolded line', site.path);
      break;
    case 'subject':
    case 'date':
    case 'unparsed':
    case 'bodyField':
      break;
  }
}

function readMailbox(reader: ElementReader): Mailbox {
  if (reader.element.name !== 'mailbox') reader.fail('expected a mailbox');
  reader.allowAttributes('name', 'address');
  reader.empty();
  const name = reader.attribute('name');
  const address = reader.requiredAttribute('address');
  return name === undefined ? { address } : { name, address };
}

function readAddressEntry(reader: ElementReader): AddressEntry {
  if (reader.element.name !== 'group') return readMailbox(reader);
  reader.allowAttributes('name');
  return { group: reader.requiredAttribute('name'), members: reader.elements().map(readMailbox) };
}

function readIds(reader: ElementReader): string[] {
  return reader.elements().map((child) => {
    if (child.element.name !== 'id') child.fail('expected an id');
    return child.allowAttributes().text();
  });
}

function readUris(reader: ElementReader): string[] {
  return reader.elements().map((child) => {
    if (child.element.name !== 'uri') child.fail('expected a uri');
    return child.allowAttributes().text();
  });
}

function readField(reader: ElementReader): HeaderField {
  const kind = reader.element.name;
  const rawText = reader.attribute('raw');
  const raw = rawText === undefined ? undefined : readBase64(reader, rawText, '/@raw');
  const field = readFieldValue(reader, kind, raw);
  // Copied only for the few fields that keep their original octets (a bodyField takes
  // no attribute, and an unparsed field is its octets).
  if (raw === undefined || field.kind === 'unparsed' || field.kind === 'bodyField') return field;
  return { ...field, raw };
}

/** A field's value, without its raw octets. */
function readFieldValue(
  reader: ElementReader,
  kind: string,
  raw: Uint8Array | undefined,
): HeaderField {
  switch (kind) {
    case 'from':
      reader.allowAttributes('raw');
      return { kind, mailboxes: reader.elements().map(readMailbox) };
    case 'sender': {
      reader.allowAttributes('raw');
      const mailboxes = reader.elements().map(readMailbox);
      const [mailbox] = mailboxes;
      if (mailbox === undefined || mailboxes.length !== 1)
        reader.fail('sender holds exactly one mailbox');
      return { kind, mailbox };
    }
    case 'replyTo':
    case 'to':
    case 'cc':
    case 'bcc':
      reader.allowAttributes('raw');
      return { kind, addresses: reader.elements().map(readAddressEntry) };
    case 'subject':
      reader.allowAttributes('raw');
      return { kind, text: reader.text() };
    case 'date':
      reader.allowAttributes('raw');
      return { kind, date: readDateTime(reader, reader.text()) };
    case 'messageId':
      reader.allowAttributes('raw');
      return { kind, id: reader.text() };
    case 'inReplyTo':
    case 'references':
      reader.allowAttributes('raw');
      return { kind, ids: readIds(reader) };
    case 'listId': {
      reader.allowAttributes('raw', 'description');
      const description = reader.attribute('description');
      return {
        kind,
        id: reader.text(),
        ...(description === undefined ? {} : { description }),
      };
    }
    case 'list':
      reader.allowAttributes('raw', 'field');
      return {
        kind,
        field: reader.requiredAttribute('field') as ListUriFieldName,
        uris: readUris(reader),
      };
    case 'legacy':
      reader.allowAttributes('raw', 'name');
      return {
        kind,
        name: reader.requiredAttribute('name') as `RFC822.${string}`,
        value: reader.text(),
      };
    case 'unparsed':
      reader.allowAttributes('raw');
      reader.empty();
      if (raw === undefined) reader.fail("missing attribute 'raw'");
      return { kind, raw };
    case 'bodyField':
      reader.allowAttributes();
      reader.empty();
      return { kind };
    default:
      return reader.fail(`unknown element '${kind}'`);
  }
}

/**
 * Decodes a `message/headers` document. Total and strict: returns complete headers or
 * throws one {@link MessageError} (XML_* code and the path of the fault).
 */
export function decodeHeaders(
  input: Uint8Array | string,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): Mt2Headers {
  const root = readRoot(parseXmlDocument(input, limits), 'headers');
  root.allowAttributes('xmlns');
  const fields: HeaderField[] = [];
  const extensions: Mt2Extension[] = [];
  for (const child of root.elements()) {
    if (child.element.name === 'extension') {
      extensions.push(readExtension(child));
      continue;
    }
    const field = readField(child);
    checkField(field, child);
    fields.push(field);
  }
  return { fields, extensions };
}

function writeMailbox(mailbox: Mailbox): XmlElement {
  return element('mailbox', { name: mailbox.name, address: mailbox.address });
}

function writeAddressEntry(entry: AddressEntry, depth: number): XmlElement {
  if (!('group' in entry)) return writeMailbox(entry);
  return element('group', { name: entry.group }, indented(entry.members.map(writeMailbox), depth));
}

function writeField(field: HeaderField, path: string): XmlElement {
  const depth = 1;
  if (field.kind === 'bodyField') return element('bodyField');
  const raw = field.raw === undefined ? undefined : writeBase64(field.raw);
  const list = (children: XmlElement[], attributes: Record<string, string | undefined> = {}) =>
    element(field.kind, { ...attributes, raw }, indented(children, depth));
  const ids = (values: readonly string[]) => values.map((id) => element('id', {}, [id]));
  switch (field.kind) {
    case 'from':
      return list(field.mailboxes.map(writeMailbox));
    case 'sender':
      return list([writeMailbox(field.mailbox)]);
    case 'replyTo':
    case 'to':
    case 'cc':
    case 'bcc':
      return list(field.addresses.map((entry) => writeAddressEntry(entry, depth + 1)));
    case 'subject':
      return element(field.kind, { raw }, [field.text]);
    case 'date':
      return element(field.kind, { raw }, [writeDateTime(field.date, path)]);
    case 'messageId':
      return element(field.kind, { raw }, [field.id]);
    case 'inReplyTo':
    case 'references':
      return list(ids(field.ids));
    case 'listId':
      return element(field.kind, { description: field.description, raw }, [field.id]);
    case 'list':
      return list(
        field.uris.map((uri) => element('uri', {}, [uri])),
        { field: field.field },
      );
    case 'legacy':
      return element(field.kind, { name: field.name, raw }, [field.value]);
    case 'unparsed':
      return element(field.kind, { raw });
  }
}

/** The headers as an XML tree (before serialisation); see {@link encodeHeaders}. */
export function headersToXml(headers: Mt2Headers): XmlElement {
  const counts = new Map<string, number>();
  const children = headers.fields.map((field) => {
    const count = (counts.get(field.kind) ?? 0) + 1;
    counts.set(field.kind, count);
    const path = `/headers/${field.kind}[${count}]`;
    checkField(field, {
      path,
      fail(reason, at) {
        throw new MessageError('XML_UNENCODABLE', reason, at);
      },
    });
    return writeField(field, path);
  });
  headers.extensions.forEach((extension, index) => {
    children.push(writeExtension(extension, `/headers/extension[${index + 1}]`));
  });
  return element('headers', { xmlns: MT2_MESSAGE_NAMESPACE }, indented(children, 0));
}

/** Encodes headers as a `message/headers` document (UTF-8 XML). */
export function encodeHeaders(headers: Mt2Headers): Uint8Array {
  return serializeXmlDocument(headersToXml(headers));
}
