// Validation of messages handed to the store, producing the column values to write.
import {
  MAX_DISPLAY_ADDRESSES,
  MAX_DISPLAY_CHARS,
  MAX_JSON_CHARS,
  MAX_PART_XML_BYTES,
  MAX_SNIPPET_CHARS,
} from './limits.ts';
import { LocalStoreError } from './errors.ts';
import { messageBatch, type MessageBatch } from './message-batch.ts';
import type { ArrivedEnvelope, Folder, ListPage, MessageInput, ServerLocation } from './types.ts';
import {
  checkBoolean,
  checkBytes,
  checkCount,
  checkDate,
  checkEach,
  checkFlags,
  checkFolder,
  checkId,
  checkIds,
  checkJson,
  checkList,
  checkObject,
  checkText,
} from './validate.ts';

/** The display columns an arriving envelope may change. */
export type EnvelopeColumns = ArrivedEnvelope['display'];

/** A message's column values, checked. */
export interface MessageColumns extends EnvelopeColumns {
  readonly accountId: string;
  readonly msgId: string;
  readonly folder: Folder;
  readonly mailbox: string | null;
  readonly uid: number | null;
  readonly modseq: number | null;
  readonly envelopeSize: number;
  readonly headersSize: number;
  readonly bodySize: number;
  readonly serverFlags: string[];
  readonly dateMs: number;
  readonly hasAttachments: boolean;
  readonly snippet: string;
  readonly envelopeXml: Uint8Array;
  readonly headersXml: Uint8Array | null;
  readonly verificationJson: string | null;
  /** DisplayFromHeaders: the display columns are empty, dateMs the arrival. */
  readonly displayFromHeaders: boolean;
}

export interface ServerColumns {
  readonly mailbox: string;
  readonly uid: number;
  readonly modseq: number;
}

// The checks below name each field from the object checked down (`.msgId`,
// `.display.to`: constant strings); the caller puts the object's own place in front
// only when one fails (checkEach, withPlace). A LIST page checks 1,000 messages, and
// building the full name of each field of each cost more than checking them, as did a
// closure per nested object.

/** Runs `check`, putting `place` in front of the field named by its failure. */
function withPlace<T>(place: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof LocalStoreError)) throw error;
    throw new LocalStoreError(error.code, `${place}${error.message}`);
  }
}

/** The `server` field of a message or update. */
function checkServerLocation(value: unknown): ServerColumns {
  const server = checkObject('.server', value) as Partial<ServerLocation>;
  return {
    mailbox: checkId('.server.mailbox', server.mailbox),
    uid: checkCount('.server.uid', server.uid),
    modseq: checkCount('.server.modseq', server.modseq),
  };
}

const checkAddress = (address: unknown) => checkText('', address, MAX_DISPLAY_CHARS);

function checkAddresses(field: string, value: unknown): string[] {
  return checkEach(field, checkList(field, value, MAX_DISPLAY_ADDRESSES), checkAddress);
}

/** The fields of the `display` object (checked to be one) of a message or arrived envelope. */
function checkEnvelopeDisplay(display: Record<string, unknown>): EnvelopeColumns {
  return {
    fromName: checkText('.display.fromName', display['fromName'], MAX_DISPLAY_CHARS),
    fromAddress: checkText('.display.fromAddress', display['fromAddress'], MAX_DISPLAY_CHARS),
    to: checkAddresses('.display.to', display['to']),
    cc: checkAddresses('.display.cc', display['cc']),
    subject: checkText('.display.subject', display['subject'], MAX_DISPLAY_CHARS),
    signed: checkBoolean('.display.signed', display['signed']),
    encrypted: checkBoolean('.display.encrypted', display['encrypted']),
  };
}

/** An envelope pulled after its message was stored, with the display it brings. */
export function checkArrivedEnvelope(
  field: string,
  value: unknown,
): { envelopeXml: Uint8Array; display: EnvelopeColumns } {
  const input = checkObject(field, value) as Partial<ArrivedEnvelope>;
  return {
    envelopeXml: checkBytes(`${field}.envelopeXml`, input.envelopeXml, MAX_PART_XML_BYTES),
    display: withPlace(field, () => checkEnvelopeDisplay(checkObject('.display', input.display))),
  };
}

/** The display columns of a message that leaves them to the store (DisplayFromHeaders). */
const LEFT_TO_THE_STORE: EnvelopeColumns = {
  fromName: '',
  fromAddress: '',
  to: [],
  cc: [],
  subject: '',
  signed: false,
  encrypted: false,
};

function messageColumns(value: unknown): MessageColumns {
  const input = checkObject('', value) as Partial<MessageInput>;
  const sizes = checkObject('.sizes', input.sizes);
  const display = checkObject('.display', input.display);
  const fromHeaders = display['fromHeaders'] === true;
  const shown = fromHeaders ? LEFT_TO_THE_STORE : checkEnvelopeDisplay(display);
  const envelopeXml = checkBytes('.envelopeXml', input.envelopeXml, MAX_PART_XML_BYTES);
  const headersXml =
    input.headersXml === undefined
      ? null
      : checkBytes('.headersXml', input.headersXml, MAX_PART_XML_BYTES);
  if (fromHeaders && (headersXml === null || envelopeXml.byteLength > 0)) {
    throw new LocalStoreError(
      'LOCAL_STORE_INVALID_INPUT',
      '.display.fromHeaders needs headersXml and an empty envelopeXml',
    );
  }
  const server = input.server === undefined ? undefined : checkServerLocation(input.server);
  // Written out rather than spread: a page checks 1,000 messages, and one literal gives
  // every row the same shape.
  return {
    accountId: checkId('.accountId', input.accountId),
    msgId: checkId('.msgId', input.msgId),
    folder: checkFolder('.folder', input.folder),
    mailbox: server?.mailbox ?? null,
    uid: server?.uid ?? null,
    modseq: server?.modseq ?? null,
    envelopeSize: checkCount('.sizes.envelope', sizes['envelope']),
    headersSize: checkCount('.sizes.headers', sizes['headers']),
    bodySize: checkCount('.sizes.body', sizes['body']),
    serverFlags: checkFlags('.serverFlags', input.serverFlags),
    fromName: shown.fromName,
    fromAddress: shown.fromAddress,
    to: shown.to,
    cc: shown.cc,
    subject: shown.subject,
    signed: shown.signed,
    encrypted: shown.encrypted,
    dateMs: fromHeaders
      ? checkDate('.display.arrival', display['arrival'])
      : checkDate('.display.date', display['date']),
    hasAttachments: fromHeaders
      ? false
      : checkBoolean('.display.hasAttachments', display['hasAttachments']),
    snippet: fromHeaders
      ? ''
      : checkText('.display.snippet', display['snippet'], MAX_SNIPPET_CHARS),
    envelopeXml,
    headersXml,
    verificationJson:
      input.verificationJson === undefined
        ? null
        : checkJson('.verificationJson', input.verificationJson, MAX_JSON_CHARS),
    displayFromHeaders: fromHeaders,
  };
}

/** Messages to put, checked whole: the batch is refused if one of them is bad. */
export function checkMessageInputs(field: string, value: unknown): MessageBatch {
  return messageBatch(checkMessages(field, value));
}

function checkMessages(field: string, value: unknown): MessageColumns[] {
  return checkEach(field, checkList(field, value), messageColumns);
}

/** What the server reports for a stored message, checked. */
export interface ServerStateColumns {
  readonly msgId: string;
  readonly server: ServerColumns;
  readonly serverFlags: string[];
}

/** A LIST page, checked. */
export interface CheckedListPage {
  readonly accountId: string;
  readonly mailbox: string;
  /** Absent: a page's first messages, its cursor still to come (ListPage.cursor). */
  readonly cursor: number | undefined;
  readonly newMessages: MessageBatch;
  readonly updates: readonly ServerStateColumns[];
  readonly removed: readonly string[];
}

/** A LIST page, checked whole; every message must belong to the page's account. */
export function checkListPage(value: unknown): CheckedListPage {
  const input = checkObject('page', value) as Partial<ListPage>;
  const accountId = checkId('page.accountId', input.accountId);
  const newMessages = checkMessages('page.messages', input.messages ?? []);
  const stranger = newMessages.findIndex((message) => message.accountId !== accountId);
  if (stranger >= 0) {
    throw new LocalStoreError(
      'LOCAL_STORE_INVALID_INPUT',
      `page.messages[${stranger}] is of account ${newMessages[stranger]?.accountId}, the page of ${accountId}`,
    );
  }
  return {
    accountId,
    mailbox: checkId('page.mailbox', input.mailbox),
    cursor: input.cursor === undefined ? undefined : checkCount('page.cursor', input.cursor),
    newMessages: messageBatch(newMessages),
    updates: checkEach(
      'page.updates',
      checkList('page.updates', input.updates ?? []),
      checkServerStateUpdate,
    ),
    removed: checkIds('page.removed', input.removed ?? []),
  };
}

function checkServerStateUpdate(value: unknown): ServerStateColumns {
  const update = checkObject('', value);
  return {
    msgId: checkId('.msgId', update['msgId']),
    server: checkServerLocation(update['server']),
    serverFlags: checkFlags('.serverFlags', update['serverFlags']),
  };
}
