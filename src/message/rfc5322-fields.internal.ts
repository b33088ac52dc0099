// One RFC 5322 field <-> one MT2 header field: parsing the value of a field we know
// into its structured form, and writing a structured field back canonically.
import {
  LIST_URI_FIELD_NAMES,
  type AddressListKind,
  type HeaderField,
  type ListUriFieldName,
} from './headers.ts';
import {
  formatAddressList,
  formatPhrase,
  parseAddressList,
  parseMailboxList,
  parsePhrase,
} from './rfc5322-address.internal.ts';
import { decodeEncodedWords, encodeWords } from './rfc2047.internal.ts';

/** A header field that can be written: every kind but the placeholder and unparsed lines. */
export type WritableField = Exclude<HeaderField, { kind: 'bodyField' } | { kind: 'unparsed' }>;

const ADDRESS_LIST_NAMES: Readonly<Record<string, AddressListKind>> = {
  'reply-to': 'replyTo',
  to: 'to',
  cc: 'cc',
  bcc: 'bcc',
};

const FIELD_NAMES: Readonly<Record<Exclude<WritableField['kind'], 'legacy' | 'list'>, string>> = {
  from: 'From',
  sender: 'Sender',
  replyTo: 'Reply-To',
  to: 'To',
  cc: 'Cc',
  bcc: 'Bcc',
  subject: 'Subject',
  date: 'Date',
  messageId: 'Message-ID',
  inReplyTo: 'In-Reply-To',
  references: 'References',
  listId: 'List-Id',
};

const LIST_NAMES = new Map<string, ListUriFieldName>(
  LIST_URI_FIELD_NAMES.map((name) => [name.toLowerCase(), name]),
);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** Obsolete zone names of RFC 5322 section 4.3, in minutes east of UTC. */
const ZONES: Readonly<Record<string, number>> = {
  UT: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};
const DATE_TIME =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,3})?\s*(?:\([^()]*\)\s*)?$/;

function parseDate(value: string): Date | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (match === null) return undefined;
  const [, day, monthName, yearText, hour, minute, second, zone] = match;
  const month = MONTHS.findIndex((name) => name.toLowerCase() === monthName?.toLowerCase());
  let year = Number(yearText);
  if ((yearText ?? '').length === 2) year += year < 50 ? 2000 : 1900;
  else if ((yearText ?? '').length === 3) year += 1900;
  let offset = 0;
  if (zone !== undefined && /^[+-]/.test(zone)) {
    offset =
      (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  } else if (zone !== undefined) {
    const named = ZONES[zone.toUpperCase()];
    if (named === undefined) return undefined;
    offset = named;
  }
  if (month < 0) return undefined;
  const utc = Date.UTC(year, month, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  const date = new Date(utc - offset * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${DAYS[date.getUTCDay()] ?? ''}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** `<id> <id> ...`, comments and whitespace allowed between; undefined for anything else. */
function parseIds(value: string): string[] | undefined {
  const rest = value.replace(/\([^()]*\)/g, ' ').replace(/<([^<>\s]+)>/g, ' ');
  if (rest.trim() !== '') return undefined;
  return [...value.replace(/\([^()]*\)/g, ' ').matchAll(/<([^<>\s]+)>/g)].map(
    (match) => match[1] ?? '',
  );
}

function parseUris(value: string): string[] | undefined {
  const withoutComments = value.replace(/\([^()]*\)/g, ' ');
  if (withoutComments.replace(/<[^<>\s]*>/g, ' ').replace(/[\s,]/g, '') !== '') return undefined;
  return [...withoutComments.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] ?? '');
}

const PLAIN_TEXT = /^(?:[\x21-\x7E]+(?: [\x21-\x7E]+)*)?$/;

/** Unstructured text as it reads back unchanged: plain ASCII as is, anything else as encoded words. */
function formatText(text: string): string {
  return PLAIN_TEXT.test(text) && !text.includes('=?') ? text : encodeWords(text);
}

/**
 * Reads the value of a field named `name` (any case) into its MT2 entity; undefined
 * for a field without an entity or a value that does not parse (the caller keeps it
 * as a legacy field). `value` is unfolded, without the line ending.
 */
export function parseKnownField(name: string, value: string): WritableField | undefined {
  const lower = name.toLowerCase();
  const addressKind = ADDRESS_LIST_NAMES[lower];
  if (addressKind !== undefined) {
    const addresses = parseAddressList(value);
    return addresses === undefined ? undefined : { kind: addressKind, addresses };
  }
  const listField = LIST_NAMES.get(lower);
  if (listField !== undefined) {
    const uris = parseUris(value);
    return uris === undefined ? undefined : { kind: 'list', field: listField, uris };
  }
  switch (lower) {
    case 'from': {
      const mailboxes = parseMailboxList(value);
      return mailboxes === undefined || mailboxes.length === 0
        ? undefined
        : { kind: 'from', mailboxes };
    }
    case 'sender': {
      const [mailbox, ...others] = parseMailboxList(value) ?? [];
      return mailbox === undefined || others.length > 0 ? undefined : { kind: 'sender', mailbox };
    }
    case 'subject':
      return { kind: 'subject', text: decodeEncodedWords(value.replace(/^[ \t]+/, '')) };
    case 'date': {
      const date = parseDate(value);
      return date === undefined ? undefined : { kind: 'date', date };
    }
    case 'message-id': {
      const ids = parseIds(value);
      return ids?.length === 1 && ids[0] !== undefined
        ? { kind: 'messageId', id: ids[0] }
        : undefined;
    }
    case 'in-reply-to':
    case 'references': {
      const ids = parseIds(value);
      return ids === undefined
        ? undefined
        : { kind: lower === 'references' ? 'references' : 'inReplyTo', ids };
    }
    case 'list-id': {
      const match = /^(.*?)<([^<>\s]+)>\s*$/s.exec(value);
      if (match === null) return undefined;
      const [, before = '', id = ''] = match;
      if (before.trim() === '') return { kind: 'listId', id };
      const description = parsePhrase(before);
      return description === undefined ? undefined : { kind: 'listId', id, description };
    }
    default:
      return undefined;
  }
}

function fieldValue(field: WritableField): string {
  switch (field.kind) {
    case 'from':
      return formatAddressList(field.mailboxes);
    case 'sender':
      return formatAddressList([field.mailbox]);
    case 'replyTo':
    case 'to':
    case 'cc':
    case 'bcc':
      return formatAddressList(field.addresses);
    case 'subject':
      return formatText(field.text);
    case 'date':
      return formatDate(field.date);
    case 'messageId':
      return `<${field.id}>`;
    case 'inReplyTo':
    case 'references':
      return field.ids.map((id) => `<${id}>`).join(' ');
    case 'listId':
      return field.description === undefined
        ? `<${field.id}>`
        : `${formatPhrase(field.description)} <${field.id}>`;
    case 'list':
      return field.uris.map((uri) => `<${uri}>`).join(', ');
    case 'legacy':
      return field.value;
  }
}

function fieldName(field: WritableField): string {
  if (field.kind === 'legacy') return field.name.slice('RFC822.'.length);
  if (field.kind === 'list') return field.field;
  return FIELD_NAMES[field.kind];
}

/** Longest line the canonical form aims for, in characters (RFC 5322 section 2.1.1). */
const FOLD_AT = 78;

/**
 * Folds a field line at spaces so lines stay near 78 characters. Unfolding (removing
 * each CRLF) gives the line back, so folding never changes what a field says.
 */
function fold(line: string): string {
  if (line.length <= FOLD_AT) return line;
  let folded = '';
  let lineStart = 0;
  let lastSpace = -1;
  for (let index = 0; index < line.length; index += 1) {
    if (line[index] === ' ' && index > lineStart + 1) lastSpace = index;
    if (index - lineStart >= FOLD_AT && lastSpace > lineStart) {
      folded += `${line.slice(lineStart, lastSpace)}\r\n`;
      lineStart = lastSpace;
      lastSpace = -1;
    }
  }
  return folded + line.slice(lineStart);
}

/** The canonical RFC 5322 form of a field, with its CRLF. */
export function formatField(field: WritableField): string {
  if (field.kind === 'legacy') return `${fieldName(field)}: ${field.value}\r\n`;
  return `${fold(`${fieldName(field)}: ${fieldValue(field)}`)}\r\n`;
}
