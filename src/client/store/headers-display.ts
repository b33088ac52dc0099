// What a message list shows of a message from its envelope and headers (DisplayFields),
// and the store's side of DisplayFromHeaders: a sync of thousands of new messages leaves
// reading their plain headers to the store, which does it on its own thread as it writes
// them, while the engine's thread (the one the sync waits for) reads the next ones off
// the wire (bench/README.md, "Which thread a warm sync waits for").
import {
  decodeHeaders,
  previewHeaders,
  summarizeHeaders,
  type AddressEntry,
  type HeaderSummary,
  type Mailbox,
} from '../../message/index.ts';
import { MAX_DISPLAY_ADDRESSES, MAX_DISPLAY_CHARS } from './limits.ts';
import {
  BITS,
  CC_JSON,
  DATE_MS,
  DISPLAY_FROM_HEADERS,
  FROM_ADDRESS,
  FROM_NAME,
  NUMBER_FIELDS,
  SUBJECT,
  TEXT_FIELDS,
  TO_JSON,
  batchPart,
  type MessageBatch,
} from './message-batch.ts';
import { listJson } from './queries/message-rows.ts';
import type { DisplayFields } from './types.ts';

/** What the list shows of the envelope; before it is in, what the headers show. */
export interface EnvelopeView {
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly signed: boolean;
  readonly encrypted: boolean;
}

/** A message whose envelope is not in yet (its headers not encrypted). */
const NO_ENVELOPE_YET: EnvelopeView = {
  sender: '',
  recipients: [],
  signed: false,
  encrypted: false,
};

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
 * The list's fields: the headers' (when they could be read), else the envelope's; within
 * the store's limits (texts clipped, the first MAX_DISPLAY_ADDRESSES addresses).
 */
export function displayFields(
  envelope: EnvelopeView,
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

/**
 * The summary of headers that are not encrypted: read in one pass when they are of the
 * plain form (previewHeaders, the same summary at a fraction of the cost), decoded in
 * full otherwise; undefined when they cannot be read (the verification tells why).
 */
function plainHeadersSummary(octets: Uint8Array): HeaderSummary | undefined {
  try {
    return previewHeaders(octets) ?? summarizeHeaders(decodeHeaders(octets));
  } catch {
    return undefined;
  }
}

/**
 * Works out the display columns of the batch's messages that left them to the store
 * (DisplayFromHeaders: DISPLAY_FROM_HEADERS in their bits, the arrival in DATE_MS), in
 * place, before they are written. The fields are within the limits the store's checks
 * hold a caller to (displayFields clips them), so nothing here can refuse a batch.
 */
export function fillDisplayFromHeaders(batch: MessageBatch): void {
  const { numbers, texts } = batch;
  for (let index = 0; index < batch.count; index++) {
    const at = index * NUMBER_FIELDS;
    if (((numbers[at + BITS] as number) & DISPLAY_FROM_HEADERS) === 0) continue;
    const headers = batchPart(batch, index, 'headers');
    const summary = headers === null ? undefined : plainHeadersSummary(headers);
    const shown = displayFields(
      NO_ENVELOPE_YET,
      summary,
      new Date(numbers[at + DATE_MS] as number),
    );
    const text = index * TEXT_FIELDS;
    texts[text + FROM_NAME] = shown.fromName;
    texts[text + FROM_ADDRESS] = shown.fromAddress;
    texts[text + SUBJECT] = shown.subject;
    texts[text + TO_JSON] = listJson(shown.to);
    texts[text + CC_JSON] = listJson(shown.cc);
    numbers[at + DATE_MS] = shown.date.getTime();
  }
}
