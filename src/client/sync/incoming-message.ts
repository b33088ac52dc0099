import { decryptPart, encryptedPartsOf, type CmsReaders } from '../../identity/index.ts';
import {
  decodeEnvelope,
  decodeHeaders,
  previewHeaders,
  summarizeHeaders,
  type AddressEntry,
  type HeaderSummary,
  type Mailbox,
  type Mt2Envelope,
  type Mt2Headers,
} from '../../message/index.ts';
import {
  MAX_DISPLAY_ADDRESSES,
  MAX_DISPLAY_CHARS,
  type DisplayFields,
  type MessageInput,
  type PartSizes,
  type ServerLocation,
} from '../store/index.ts';

/** The subject shown for a message whose parts cannot be read. */
export const UNREADABLE_SUBJECT = '(this message cannot be read)';

/** What LIST and PULL gave for one new message. */
export interface PulledMessage {
  readonly accountId: string;
  readonly msgId: string;
  readonly server: ServerLocation;
  readonly sizes: PartSizes;
  readonly serverFlags: readonly string[];
  readonly envelope: Uint8Array | undefined;
  readonly headers: Uint8Array | undefined;
}

/** A new message worked out for the store, with its decoded parts for verification. */
export interface IncomingMessage {
  readonly input: MessageInput;
  /** Undefined when the envelope could not be read. */
  readonly envelope: Mt2Envelope | undefined;
  /** The headers, decrypted and decoded; undefined when absent or when they could not be read. */
  readonly headers: Mt2Headers | undefined;
  /** Why the message cannot be read, when it cannot. */
  readonly problem?: string;
}

const clip = (text: string, max = MAX_DISPLAY_CHARS) =>
  text.length > max ? text.slice(0, max) : text;

/**
 * The first addresses of the entries, groups opened. Index loops, no array per entry:
 * this runs for every synced message, from the first on, before V8 has optimized it.
 */
function addresses(entries: readonly AddressEntry[]): string[] {
  const shown: string[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as AddressEntry;
    if ('group' in entry) addMailboxes(shown, entry.members);
    else if (shown.length < MAX_DISPLAY_ADDRESSES) shown.push(clip(entry.address));
  }
  return shown;
}

function addMailboxes(shown: string[], mailboxes: readonly Mailbox[]): void {
  for (let index = 0; index < mailboxes.length && shown.length < MAX_DISPLAY_ADDRESSES; index++) {
    shown.push(clip((mailboxes[index] as Mailbox).address));
  }
}

/**
 * Whether a headers part came encrypted, before its envelope (which says so) is in: CMS
 * EnvelopedData is DER and starts with a SEQUENCE (0x30), while an XML document starts
 * with `<` or a byte order mark, never with `0`. The verification decodes the headers
 * again with the envelope, and what it finds is what stays.
 */
function headersLookEncrypted(octets: Uint8Array): boolean {
  return octets[0] === 0x30;
}

/**
 * Headers as readable structure: decrypted with the account's key when encrypted, as the
 * envelope says, or, while the envelope is not in yet, as the headers themselves show.
 */
export function readHeaders(
  envelope: Mt2Envelope | undefined,
  octets: Uint8Array,
  reader: CmsReaders,
): Mt2Headers {
  const encrypted =
    envelope === undefined
      ? headersLookEncrypted(octets)
      : encryptedPartsOf(envelope).has('headers');
  return decodeHeaders(encrypted ? decryptPart(octets, reader) : octets);
}

/** Whether a stored message still waits for its envelope (see headersFirstMessage). */
export function awaitsEnvelope(stored: {
  readonly envelopeXml: Uint8Array;
  readonly verificationJson?: string | undefined;
}): boolean {
  return stored.envelopeXml.byteLength === 0 && stored.verificationJson === undefined;
}

/**
 * A stored message's headers as readable structure, or undefined when it has none or
 * they cannot be read (the envelope or the headers are damaged, or not for this key).
 */
export function storedHeaders(
  envelopeXml: Uint8Array,
  headersXml: Uint8Array | undefined,
  reader: CmsReaders,
): Mt2Headers | undefined {
  if (headersXml === undefined) return undefined;
  try {
    // Without the envelope yet, the headers show whether they are encrypted.
    const envelope = envelopeXml.byteLength === 0 ? undefined : decodeEnvelope(envelopeXml);
    return readHeaders(envelope, headersXml, reader);
  } catch {
    return undefined;
  }
}

/** What the list shows of the envelope; before it is in, what the headers show. */
interface EnvelopeDisplay {
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly signed: boolean;
  readonly encrypted: boolean;
}

function envelopeDisplay(envelope: Mt2Envelope): EnvelopeDisplay {
  return {
    sender: envelope.sender,
    recipients: envelope.recipients,
    signed: envelope.signature !== undefined,
    encrypted: encryptedPartsOf(envelope).size > 0,
  };
}

function display(
  envelope: EnvelopeDisplay,
  summary: HeaderSummary | undefined,
  arrival: Date,
): DisplayFields {
  const from = summary?.from[0];
  return {
    fromName: clip(from?.name ?? ''),
    fromAddress: clip(from?.address ?? envelope.sender),
    to:
      summary === undefined
        ? envelope.recipients.slice(0, MAX_DISPLAY_ADDRESSES)
        : addresses(summary.to),
    cc: summary === undefined ? [] : addresses(summary.cc),
    subject: clip(summary?.subject ?? ''),
    date: summary?.date ?? arrival,
    hasAttachments: false,
    signed: envelope.signed,
    encrypted: envelope.encrypted,
    snippet: '',
  };
}

function unreadable(arrival: Date): DisplayFields {
  return {
    fromName: '',
    fromAddress: '',
    to: [],
    cc: [],
    subject: UNREADABLE_SUBJECT,
    date: arrival,
    hasAttachments: false,
    signed: false,
    encrypted: false,
    snippet: '',
  };
}

const NO_ENVELOPE = new Uint8Array(0);

/**
 * The store's input for a pulled message, every field given (absent ones as undefined),
 * so that every message of a page has the same shape (see MessageInput).
 */
function messageInput(
  pulled: PulledMessage,
  headersXml: Uint8Array | undefined,
  display: DisplayFields,
): MessageInput {
  return {
    accountId: pulled.accountId,
    msgId: pulled.msgId,
    folder: 'inbox',
    server: pulled.server,
    sizes: pulled.sizes,
    serverFlags: pulled.serverFlags,
    envelopeXml: pulled.envelope ?? NO_ENVELOPE,
    headersXml,
    display,
    verificationJson: undefined,
  };
}

/**
 * Turns what the server sent for a new message into the store's input. A part that
 * cannot be read does not lose the message: it is stored with what could be read and
 * the problem, and shown as failed.
 */
export function incomingMessage(
  pulled: PulledMessage,
  reader: CmsReaders,
  arrival: Date = new Date(),
): IncomingMessage {
  let envelope: Mt2Envelope;
  try {
    if (pulled.envelope === undefined) throw new Error('the server did not send the envelope');
    envelope = decodeEnvelope(pulled.envelope);
  } catch (error) {
    return {
      input: messageInput(pulled, undefined, unreadable(arrival)),
      envelope: undefined,
      headers: undefined,
      problem: `The envelope cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  let headers: Mt2Headers | undefined;
  let problem: string | undefined;
  try {
    if (pulled.headers !== undefined) headers = readHeaders(envelope, pulled.headers, reader);
  } catch (error) {
    problem = `The headers cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
  return {
    input: messageInput(
      pulled,
      pulled.headers,
      display(
        envelopeDisplay(envelope),
        headers === undefined ? undefined : summarizeHeaders(headers),
        arrival,
      ),
    ),
    envelope,
    headers,
    ...(problem === undefined ? {} : { problem }),
  };
}

/**
 * What the list shows of headers pulled without their envelope: read in one pass when
 * they are of the plain form (previewHeaders, the same summary at a fraction of the
 * cost), decoded in full otherwise; undefined when they cannot be read (shown without
 * what they would say; the verification tells why).
 */
function headersSummary(octets: Uint8Array, reader: CmsReaders): HeaderSummary | undefined {
  if (!headersLookEncrypted(octets)) {
    const preview = previewHeaders(octets);
    if (preview !== undefined) return preview;
  }
  try {
    return summarizeHeaders(readHeaders(undefined, octets, reader));
  } catch {
    return undefined;
  }
}

/**
 * A new message as the sync stores it when only its headers were pulled: the list shows
 * it at once, and its envelope (the signature, the certificate and the trace, about ten
 * times the headers' size) comes with its verification. A message that came with its
 * envelope (one without headers) is stored whole.
 */
export function headersFirstMessage(
  pulled: PulledMessage,
  reader: CmsReaders,
  arrival: Date = new Date(),
): MessageInput {
  if (pulled.envelope !== undefined || pulled.headers === undefined)
    return incomingMessage(pulled, reader, arrival).input;
  const summary = headersSummary(pulled.headers, reader);
  const notYet: EnvelopeDisplay = {
    sender: '',
    recipients: [],
    signed: false,
    encrypted: headersLookEncrypted(pulled.headers),
  };
  return messageInput(pulled, pulled.headers, display(notYet, summary, arrival));
}
