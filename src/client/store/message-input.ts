// Validation of messages handed to the store, producing the column values to write.
import {
  MAX_DISPLAY_ADDRESSES,
  MAX_DISPLAY_CHARS,
  MAX_JSON_CHARS,
  MAX_PART_XML_BYTES,
  MAX_SNIPPET_CHARS,
} from './limits.ts';
import { LocalStoreError } from './errors.ts';
import type { ArrivedEnvelope, Folder, ListPage, MessageInput, ServerLocation } from './types.ts';
import {
  checkBoolean,
  checkBytes,
  checkCount,
  checkDate,
  checkFlags,
  checkFolder,
  checkId,
  checkJson,
  checkList,
  checkObject,
  checkText,
} from './validate.ts';

/** A message's column values, checked. */
export interface MessageColumns {
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
  readonly fromName: string;
  readonly fromAddress: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly dateMs: number;
  readonly hasAttachments: boolean;
  readonly signed: boolean;
  readonly encrypted: boolean;
  readonly snippet: string;
  readonly envelopeXml: Uint8Array;
  readonly headersXml: Uint8Array | null;
  readonly verificationJson: string | null;
}

export interface ServerColumns {
  readonly mailbox: string;
  readonly uid: number;
  readonly modseq: number;
}

export function checkServerLocation(field: string, value: unknown): ServerColumns {
  const server = checkObject(field, value) as Partial<ServerLocation>;
  return {
    mailbox: checkId(`${field}.mailbox`, server.mailbox),
    uid: checkCount(`${field}.uid`, server.uid),
    modseq: checkCount(`${field}.modseq`, server.modseq),
  };
}

function checkAddresses(field: string, value: unknown): string[] {
  return checkList(field, value, MAX_DISPLAY_ADDRESSES).map((address, index) =>
    checkText(`${field}[${index}]`, address, MAX_DISPLAY_CHARS),
  );
}

/** The display columns an arriving envelope may change (see ArrivedEnvelope). */
export interface EnvelopeColumns {
  readonly fromName: string;
  readonly fromAddress: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly signed: boolean;
  readonly encrypted: boolean;
}

function checkEnvelopeDisplay(field: string, value: unknown): EnvelopeColumns {
  const display = checkObject(field, value);
  return {
    fromName: checkText(`${field}.fromName`, display['fromName'], MAX_DISPLAY_CHARS),
    fromAddress: checkText(`${field}.fromAddress`, display['fromAddress'], MAX_DISPLAY_CHARS),
    to: checkAddresses(`${field}.to`, display['to']),
    cc: checkAddresses(`${field}.cc`, display['cc']),
    subject: checkText(`${field}.subject`, display['subject'], MAX_DISPLAY_CHARS),
    signed: checkBoolean(`${field}.signed`, display['signed']),
    encrypted: checkBoolean(`${field}.encrypted`, display['encrypted']),
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
    display: checkEnvelopeDisplay(`${field}.display`, input.display),
  };
}

export function checkMessageInput(field: string, value: unknown): MessageColumns {
  const input = checkObject(field, value) as Partial<MessageInput>;
  const sizes = checkObject(`${field}.sizes`, input.sizes);
  const display = checkObject(`${field}.display`, input.display);
  const server =
    input.server === undefined ? undefined : checkServerLocation(`${field}.server`, input.server);
  return {
    accountId: checkId(`${field}.accountId`, input.accountId),
    msgId: checkId(`${field}.msgId`, input.msgId),
    folder: checkFolder(`${field}.folder`, input.folder),
    mailbox: server?.mailbox ?? null,
    uid: server?.uid ?? null,
    modseq: server?.modseq ?? null,
    envelopeSize: checkCount(`${field}.sizes.envelope`, sizes['envelope']),
    headersSize: checkCount(`${field}.sizes.headers`, sizes['headers']),
    bodySize: checkCount(`${field}.sizes.body`, sizes['body']),
    serverFlags: checkFlags(`${field}.serverFlags`, input.serverFlags),
    ...checkEnvelopeDisplay(`${field}.display`, display),
    dateMs: checkDate(`${field}.display.date`, display['date']),
    hasAttachments: checkBoolean(`${field}.display.hasAttachments`, display['hasAttachments']),
    snippet: checkText(`${field}.display.snippet`, display['snippet'], MAX_SNIPPET_CHARS),
    envelopeXml: checkBytes(`${field}.envelopeXml`, input.envelopeXml, MAX_PART_XML_BYTES),
    headersXml:
      input.headersXml === undefined
        ? null
        : checkBytes(`${field}.headersXml`, input.headersXml, MAX_PART_XML_BYTES),
    verificationJson:
      input.verificationJson === undefined
        ? null
        : checkJson(`${field}.verificationJson`, input.verificationJson, MAX_JSON_CHARS),
  };
}

/** A LIST page, checked whole; every message must belong to the page's account. */
export function checkListPage(value: unknown) {
  const input = checkObject('page', value) as Partial<ListPage>;
  const accountId = checkId('page.accountId', input.accountId);
  const newMessages = checkList('page.messages', input.messages ?? []).map((message, index) => {
    const checked = checkMessageInput(`page.messages[${index}]`, message);
    if (checked.accountId !== accountId) {
      throw new LocalStoreError(
        'LOCAL_STORE_INVALID_INPUT',
        `page.messages[${index}] is of account ${checked.accountId}, the page of ${accountId}`,
      );
    }
    return checked;
  });
  return {
    accountId,
    mailbox: checkId('page.mailbox', input.mailbox),
    cursor: checkCount('page.cursor', input.cursor),
    newMessages,
    updates: checkList('page.updates', input.updates ?? []).map((update, index) =>
      checkServerStateUpdate(`page.updates[${index}]`, update),
    ),
    removed: checkList('page.removed', input.removed ?? []).map((msgId, index) =>
      checkId(`page.removed[${index}]`, msgId),
    ),
  };
}

function checkServerStateUpdate(field: string, value: unknown) {
  const update = checkObject(field, value);
  return {
    msgId: checkId(`${field}.msgId`, update['msgId']),
    server: checkServerLocation(`${field}.server`, update['server']),
    serverFlags: checkFlags(`${field}.serverFlags`, update['serverFlags']),
  };
}
