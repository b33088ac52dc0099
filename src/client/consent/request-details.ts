// What a pending request's payload says, read for the UI: the vCard a request carries
// or would send (for the reader's preview card), and which game a draw offer is in.
// Stored items were decoded once on arrival; one that no longer decodes gets no
// details (its raw payload is still shown) rather than failing the whole list.
import type { VcardPreviewView } from '../../api/index.ts';
import {
  ExtensionError,
  RECIPIENT_EXTENSIONS,
  decodePayload,
  readVcard,
  type PayloadBase,
  type PendingItem,
  type RecipientExtension,
} from '../../extensions/index.ts';
import type { XmlNode } from '../../message/index.ts';

const REGISTRY: Readonly<Record<string, RecipientExtension<PayloadBase> | undefined>> =
  RECIPIENT_EXTENSIONS;

/** The registry entry of a stored item's extension. */
export function extensionOf(item: PendingItem): RecipientExtension<PayloadBase> | undefined {
  return REGISTRY[item.extension];
}

/** `read()`, or undefined when the stored payload cannot be read. */
export function unlessUnreadable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof ExtensionError) return undefined;
    throw error;
  }
}

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
  return unlessUnreadable(() => {
    const received = cardIn(item.content);
    if (received !== undefined) return preview(received, 'received');
    const answer = item.declared.map((reply) => cardIn(reply.content)).find(Boolean);
    return answer === undefined ? undefined : preview(answer, 'answer');
  });
}

/** The game a pending draw offer is in, or undefined for any other item. */
export function drawOfferGame(item: PendingItem): string | undefined {
  if (item.extension !== 'chess') return undefined;
  return unlessUnreadable(() => {
    const { payload } = decodePayload(RECIPIENT_EXTENSIONS.chess, item.content);
    return payload.kind === 'drawOffer' ? payload.game : undefined;
  });
}
