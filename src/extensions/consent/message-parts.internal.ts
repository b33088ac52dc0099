// Pieces of the messages the consent engine handles: stable ids for pending items and
// the headers of the messages it returns.
import { createHash } from 'node:crypto';
import type { HeaderField, Mt2Extension, Mt2Headers, XmlNode } from '../../message/index.ts';
import type { IncomingMessage } from '../recipient/context.ts';
import { addressKey } from '../recipient/state.ts';

/**
 * A stable id for the `index`-th extension of `message`: the same delivery twice gives
 * the same id, so it is held once. The sender's identity and the payload are part of
 * it, so nobody can suppress someone else's request by reusing its Message-ID.
 */
export function pendingIdFor(
  message: IncomingMessage,
  index: number,
  content: readonly XmlNode[],
): string {
  const { sender } = message;
  const identity = [
    addressKey(sender.address),
    sender.verified,
    sender.certificateFingerprint ?? '',
    message.messageId,
    index,
    content,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

/** The headers of a message that carries nothing but the user's request or answer. */
export function messageHeaders(
  from: string,
  to: readonly string[],
  subject: string,
  date: Date,
  extension: Mt2Extension,
  inReplyTo?: string,
): Mt2Headers {
  const fields: HeaderField[] = [
    { kind: 'from', mailboxes: [{ address: from }] },
    { kind: 'to', addresses: to.map((address) => ({ address })) },
    { kind: 'subject', text: subject },
    { kind: 'date', date },
  ];
  if (inReplyTo !== undefined) {
    fields.push({ kind: 'inReplyTo', ids: [inReplyTo] }, { kind: 'references', ids: [inReplyTo] });
  }
  return { fields, extensions: [extension] };
}
