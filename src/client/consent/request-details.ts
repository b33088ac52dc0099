// What a pending request's payload says, read for the UI: the vCard a request carries
// or would send (for the reader's preview card), and which game a draw offer is in.
import type { VcardPreviewView } from '../../api/index.ts';
import {
  RECIPIENT_EXTENSIONS,
  decodePayload,
  readVcard,
  type PendingItem,
} from '../../extensions/index.ts';
import type { XmlNode } from '../../message/index.ts';

function cardIn(content: readonly XmlNode[]): string | undefined {
  const { payload } = decodePayload(RECIPIENT_EXTENSIONS.vcard, content);
  return payload.kind === 'card' ? payload.vcard : undefined;
}

function preview(vcard: string, source: VcardPreviewView['source']): VcardPreviewView {
  const card = readVcard(vcard);
  return {
    source,
    fullName: card.fullName,
    emails: card.emails,
    phones: card.phones,
    ...(card.organization === undefined ? {} : { organization: card.organization }),
  };
}

/**
 * The vCard of a pending vCard item: the card received (approving adds it to contacts),
 * or the user's own card that approving a request sends. Undefined for other items.
 */
export function vcardPreview(item: PendingItem): VcardPreviewView | undefined {
  if (item.extension !== 'vcard') return undefined;
  const received = cardIn(item.content);
  if (received !== undefined) return preview(received, 'received');
  const answer = item.declared.map((reply) => cardIn(reply.content)).find(Boolean);
  return answer === undefined ? undefined : preview(answer, 'answer');
}

/** The game a pending draw offer is in, or undefined for any other item. */
export function drawOfferGame(item: PendingItem): string | undefined {
  if (item.extension !== 'chess') return undefined;
  const { payload } = decodePayload(RECIPIENT_EXTENSIONS.chess, item.content);
  return payload.kind === 'drawOffer' ? payload.game : undefined;
}
