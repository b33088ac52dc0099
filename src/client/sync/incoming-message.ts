import { decryptPart, encryptedPartsOf, type CmsReaders } from '../../identity/index.ts';
import {
  decodeEnvelope,
  decodeHeaders,
  summarizeHeaders,
  type Mt2Envelope,
  type Mt2Headers,
} from '../../message/index.ts';
import {
  displayFields,
  type DisplayedMessageInput,
  type DisplayFields,
  type EnvelopeView,
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
  readonly input: DisplayedMessageInput;
  /** Undefined when the envelope could not be read. */
  readonly envelope: Mt2Envelope | undefined;
  /** The headers, decrypted and decoded; undefined when absent or when they could not be read. */
  readonly headers: Mt2Headers | undefined;
  /** Why the message cannot be read, when it cannot. */
  readonly problem?: string;
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

function envelopeView(envelope: Mt2Envelope): EnvelopeView {
  return {
    sender: envelope.sender,
    recipients: envelope.recipients,
    signed: envelope.signature !== undefined,
    encrypted: encryptedPartsOf(envelope).size > 0,
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
function messageInput<Display extends MessageInput['display']>(
  pulled: PulledMessage,
  headersXml: Uint8Array | undefined,
  display: Display,
): MessageInput & { readonly display: Display } {
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
      displayFields(
        envelopeView(envelope),
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
 * A new message as the sync stores it when only its headers were pulled: the list shows
 * it at once, and its envelope (the signature, the certificate and the trace, about ten
 * times the headers' size) comes with its verification. Plain headers are read by the
 * store as it writes them (DisplayFromHeaders), not on this thread; encrypted ones here,
 * with the account's key, which never leaves it (undefined when they cannot be read:
 * shown without what they would say; the verification tells why). A message that came
 * with its envelope (one without headers) is stored whole.
 */
export function headersFirstMessage(
  pulled: PulledMessage,
  reader: CmsReaders,
  arrival: Date = new Date(),
): MessageInput {
  if (pulled.envelope !== undefined || pulled.headers === undefined)
    return incomingMessage(pulled, reader, arrival).input;
  if (!headersLookEncrypted(pulled.headers))
    return messageInput(pulled, pulled.headers, { fromHeaders: true, arrival });
  const headers = storedHeaders(NO_ENVELOPE, pulled.headers, reader);
  const summary = headers === undefined ? undefined : summarizeHeaders(headers);
  const notYet: EnvelopeView = { sender: '', recipients: [], signed: false, encrypted: true };
  return messageInput(pulled, pulled.headers, displayFields(notYet, summary, arrival));
}
