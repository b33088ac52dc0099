import type { XmlElement } from '../../message/index.ts';
import { ExtensionError } from '../recipient/errors.ts';
import { expectEmpty, textContent, xmlElement } from '../recipient/xml-payload.ts';
import { MAX_VCARD_CHARS } from './card.ts';

/** Namespace of the vCard payloads. */
export const VCARD_NAMESPACE = 'urn:mt2:ext:vcard';

/**
 * The vCard payloads: `request` ("send me your vCard"), `card` (a vCard 4.0, as an
 * answer or shared unasked), `declined` (the notice of a declined request).
 */
export type VcardPayload =
  | { readonly kind: 'request' }
  | { readonly kind: 'card'; readonly vcard: string }
  | { readonly kind: 'declined' };

/** Reads a vCard payload root; the card text itself is checked by the handler. */
export function decodeVcardPayload(root: XmlElement): VcardPayload {
  const path = `/${root.name}`;
  switch (root.name) {
    case 'vcardRequest':
      expectEmpty(root, path);
      return { kind: 'request' };
    case 'vcardDeclined':
      expectEmpty(root, path);
      return { kind: 'declined' };
    case 'vcard':
      return { kind: 'card', vcard: textContent(root, path, { maxChars: MAX_VCARD_CHARS }) };
    default:
      throw new ExtensionError(
        'EXTENSION_PAYLOAD_INVALID',
        `unknown vCard message '${root.name}'`,
        path,
      );
  }
}

/** Writes a vCard payload as its root element. */
export function encodeVcardPayload(payload: VcardPayload): XmlElement {
  switch (payload.kind) {
    case 'request':
      return xmlElement('vcardRequest');
    case 'declined':
      return xmlElement('vcardDeclined');
    case 'card':
      return xmlElement('vcard', {}, [payload.vcard]);
  }
}
