// Real signed MT2 messages for server tests: headers and body built with src/message,
// the envelope signed with src/identity's signMessage.
import { randomBytes } from 'node:crypto';
import { encryptMessageParts, signMessage, type Credentials } from '../../src/identity/index.ts';
import {
  buildBody,
  encodeEnvelope,
  encodeHeaders,
  type Mt2Envelope,
  type Mt2Extension,
} from '../../src/message/index.ts';
import type { MessageParts } from '../../src/protocol/index.ts';

/** What to send. */
export interface MessageDraft {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  /** A ready body part instead of one built from `text`. */
  readonly body?: Uint8Array;
  /** Delivery extensions (postage, ...) for the envelope. */
  readonly extensions?: readonly Mt2Extension[];
  /** Recipient extensions for the headers (a list control request, ...). */
  readonly headerExtensions?: readonly Mt2Extension[];
  /** Encrypts the headers to the sender alone: signed and valid, unreadable to anyone else. */
  readonly headersForSenderOnly?: boolean;
  readonly messageId?: string;
}

/** A message as transferred and as it was signed. */
export interface BuiltMessage {
  readonly msgId: string;
  readonly envelope: Mt2Envelope;
  readonly parts: Required<MessageParts>;
}

/** A fresh msg-id under the sender's domain. */
export function newMessageId(from: string): string {
  return `${randomBytes(12).toString('hex')}@${from.slice(from.indexOf('@') + 1)}`;
}

/** Builds and signs a message from `draft` with the sender's credentials. */
export async function buildSignedMessage(
  draft: MessageDraft,
  sender: Credentials,
): Promise<BuiltMessage> {
  const msgId = draft.messageId ?? newMessageId(draft.from);
  const headers = encodeHeaders({
    fields: [
      { kind: 'from', mailboxes: [{ address: draft.from }] },
      { kind: 'to', addresses: draft.to.map((address) => ({ address })) },
      { kind: 'subject', text: draft.subject ?? 'Hello' },
      { kind: 'date', date: new Date() },
      { kind: 'messageId', id: msgId },
    ],
    extensions: draft.headerExtensions ?? [],
  });
  const body = draft.body ?? (await buildBody({ text: draft.text ?? 'Hello from MT2.' }));
  const unsigned: Mt2Envelope = {
    messageId: msgId,
    sender: draft.from,
    recipients: draft.to,
    control: false,
    trace: [],
    extensions: draft.extensions ?? [],
  };
  const parts =
    draft.headersForSenderOnly === true
      ? encryptMessageParts(
          { envelope: unsigned, headers, body },
          ['headers'],
          [],
          sender.certificate,
        )
      : { envelope: unsigned, headers, body };
  const envelope = signMessage(parts, sender);
  return {
    msgId,
    envelope,
    parts: { envelope: encodeEnvelope(envelope), headers: parts.headers, body: parts.body },
  };
}
