// The consent engine's records as the API shows them.
import type { AuditEntryView, ConsentRequestView, OutgoingReplyView } from '../../api/index.ts';
import {
  decodePayload,
  encodePayload,
  type Approval,
  type AuditEntry,
  type PendingItem,
} from '../../extensions/index.ts';
import type { XmlNode } from '../../message/index.ts';
import { extensionOf, unlessUnreadable, vcardPreview } from './request-details.ts';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The payload exactly as it will be sent, as XML text (what "approve" sends, for the user). */
export function payloadText(nodes: readonly XmlNode[]): string {
  return nodes
    .map((node) => {
      if (typeof node === 'string') return escape(node);
      const attributes = Object.entries(node.attributes)
        .map(([name, value]) => ` ${name}="${escape(value)}"`)
        .join('');
      return `<${node.name}${attributes}>${payloadText(node.children)}</${node.name}>`;
    })
    .join('');
}

/** The text body of a consent message, for clients that do not read its extension. */
export function replyBodyText(by: Approval['by']): string {
  return by === 'person'
    ? 'This message carries a recipient-extension message sent with my approval.'
    : 'This message carries a recipient-extension reply approved by a default I set.';
}

/** Each message approving `item` sends, as it will go out (the payload with its approval mark). */
function outgoingReplies(item: PendingItem): OutgoingReplyView[] | undefined {
  const extension = extensionOf(item);
  if (extension === undefined) return undefined;
  return unlessUnreadable(() =>
    item.declared.map((reply) => {
      const { payload } = decodePayload(extension, reply.content);
      return {
        to: reply.to,
        subject: extension.subject(payload),
        text: replyBodyText('person'),
        payload: payloadText(encodePayload(extension, payload, 'person').content),
      };
    }),
  );
}

export function requestView(
  item: PendingItem,
): ConsentRequestView & { readonly messageId: string } {
  const willSend =
    item.declared.length === 0
      ? 'Nothing is sent.'
      : item.declared.map((reply) => `To ${reply.to}: ${payloadText(reply.content)}`).join('\n');
  const vcard = vcardPreview(item);
  const replies = outgoingReplies(item);
  return {
    id: item.id,
    messageId: item.messageId,
    extension: item.extension,
    from: { address: item.sender.address },
    to: { address: item.recipient },
    senderVerified: item.sender.verified,
    summary: item.summary,
    willSend,
    payload: payloadText(item.content),
    heldBecause: item.heldBecause,
    receivedAt: item.receivedAt.toISOString(),
    ...(vcard === undefined ? {} : { vcard }),
    ...(replies === undefined ? {} : { replies }),
  };
}

export function auditEntryView(entry: AuditEntry): AuditEntryView {
  return {
    seq: entry.seq,
    at: entry.at.toISOString(),
    extension: entry.extension ?? '',
    peer: entry.peer ?? '',
    action: entry.action,
    decidedBy: entry.approval?.by ?? 'person',
    detail: entry.code === undefined ? entry.detail : `${entry.detail} (${entry.code})`,
    ...(entry.messageId === undefined ? {} : { messageId: entry.messageId }),
  };
}
