// The messages a list sends: answers to control messages (the list extension in the
// headers) and posts re-originated to the members. Both are signed by the list's own
// certificate; their msg-ids are derived from the message that caused them, so handling
// the same message twice (after a crash) stores nothing twice.
import { createHash } from 'node:crypto';
import {
  RECIPIENT_EXTENSIONS,
  encodePayload,
  type HostedList,
  type ListPayload,
} from '../../extensions/index.ts';
import { signMessage, type Credentials } from '../../identity/index.ts';
import {
  buildBody,
  encodeHeaders,
  type HeaderField,
  type Mt2Envelope,
  type Mt2Headers,
} from '../../message/index.ts';

/** A message ready to store: the three parts as transferred. */
export interface OutgoingListMessage {
  readonly msgId: string;
  /** Signed, without this host's trace entry yet. */
  readonly envelope: Mt2Envelope;
  readonly headers: Uint8Array;
  readonly body: Uint8Array;
  readonly recipients: readonly string[];
}

/** The msg-id of the `index`th message list `list` sends because of message `causeId`. */
export function derivedMessageId(list: string, causeId: string, index: number): string {
  const digest = createHash('sha256').update(`${list}\n${causeId}\n${index}`).digest('hex');
  return `list-${digest.slice(0, 32)}@${list.slice(list.lastIndexOf('@') + 1)}`;
}

/** RFC 2919 list identifier: the address with `@` turned into `.` (`chess-club.alpha.test`). */
export function listIdOf(list: string): string {
  return list.replace('@', '.');
}

function signed(
  msgId: string,
  list: string,
  recipients: readonly string[],
  headers: Uint8Array,
  body: Uint8Array,
  credentials: Credentials,
  at: Date,
): OutgoingListMessage {
  const unsigned: Mt2Envelope = {
    messageId: msgId,
    sender: list,
    recipients,
    control: false,
    trace: [],
    extensions: [],
  };
  const envelope = signMessage({ envelope: unsigned, headers, body }, credentials, at);
  return { msgId, envelope, headers, body, recipients };
}

/** An answer of the list (confirmRequired, subscribed, unsubscribed, refused) to `to`. */
export async function buildListAnswer(
  hosted: HostedList,
  answer: { readonly to: string; readonly payload: ListPayload },
  msgId: string,
  credentials: Credentials,
  at: Date,
): Promise<OutgoingListMessage> {
  const extension = RECIPIENT_EXTENSIONS.mailingList;
  const headers: Mt2Headers = {
    fields: [
      { kind: 'from', mailboxes: [listMailbox(hosted)] },
      { kind: 'to', addresses: [{ address: answer.to }] },
      { kind: 'subject', text: extension.subject(answer.payload) },
      { kind: 'date', date: at },
      { kind: 'messageId', id: msgId },
      { kind: 'listId', ...listIdField(hosted) },
    ],
    // A list host's answers carry no approval mark (docs/extensions.md).
    extensions: [encodePayload(extension, answer.payload)],
  };
  const body = await buildBody({ text: `${extension.subject(answer.payload)}.\r\n` });
  return signed(msgId, hosted.address, [answer.to], encodeHeaders(headers), body, credentials, at);
}

function listMailbox(hosted: HostedList) {
  return hosted.name === undefined
    ? { address: hosted.address }
    : { name: hosted.name, address: hosted.address };
}

function listIdField(hosted: HostedList): { id: string; description?: string } {
  const id = listIdOf(hosted.address);
  return hosted.name === undefined ? { id } : { id, description: hosted.name };
}

/** Fields a re-originated post does not keep: the list writes its own. */
const REPLACED_FIELDS: ReadonlySet<HeaderField['kind']> = new Set([
  'messageId',
  'sender',
  'listId',
  'list',
]);

/**
 * A post re-originated by the list: the author's fields kept (From, To, Subject, Date,
 * ...), Sender the list, a new Message-ID (In-Reply-To the original's id is left to the
 * author's own fields), List-Id, List-Post and List-Unsubscribe; no recipient
 * extensions (a post never carries a request); the body as the author sent it.
 */
export function buildListPost(
  hosted: HostedList,
  original: { readonly headers: Mt2Headers; readonly body: Uint8Array },
  members: readonly string[],
  msgId: string,
  credentials: Credentials,
  at: Date,
): OutgoingListMessage {
  const kept = original.headers.fields.filter(
    (field) => !REPLACED_FIELDS.has(field.kind) && field.kind !== 'unparsed',
  );
  const headers: Mt2Headers = {
    fields: [
      ...kept,
      { kind: 'sender', mailbox: listMailbox(hosted) },
      { kind: 'messageId', id: msgId },
      { kind: 'listId', ...listIdField(hosted) },
      { kind: 'list', field: 'List-Post', uris: [`mailto:${hosted.address}`] },
      {
        kind: 'list',
        field: 'List-Unsubscribe',
        uris: [`mailto:${hosted.address}?subject=unsubscribe`],
      },
    ],
    extensions: [],
  };
  return signed(
    msgId,
    hosted.address,
    members,
    encodeHeaders(headers),
    original.body,
    credentials,
    at,
  );
}
