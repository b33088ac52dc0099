import type { XmlElement } from '../../message/index.ts';
import { ExtensionError } from '../recipient/errors.ts';
import {
  enumAttribute,
  expectEmpty,
  requiredAttribute,
  xmlElement,
} from '../recipient/xml-payload.ts';
import type { DispositionType } from './record.ts';

/** Namespace of the disposition-notification payloads. */
export const DISPOSITION_NAMESPACE = 'urn:mt2:ext:disposition';

/** The RFC 8098 disposition types this extension sends and accepts. */
export const DISPOSITION_TYPES: readonly DispositionType[] = [
  'displayed',
  'deleted',
  'dispatched',
  'processed',
];

const ADDRESS_PATTERN = /^[^\s@<>"]+@[^\s@<>"]+$/;
const MESSAGE_ID_PATTERN = /^[^\s<>]{1,998}$/;

/**
 * The payloads: `request` rides on an ordinary message and asks for a notification
 * to `notifyTo`; `notification` is the answer about message `message`.
 */
export type DispositionPayload =
  | { readonly kind: 'request'; readonly notifyTo: string }
  | {
      readonly kind: 'notification';
      readonly message: string;
      readonly disposition: DispositionType;
    };

/** Reads a disposition payload root. */
export function decodeDisposition(root: XmlElement): DispositionPayload {
  const path = `/${root.name}`;
  expectEmpty(root, path);
  switch (root.name) {
    case 'dispositionRequest':
      return {
        kind: 'request',
        notifyTo: requiredAttribute(root, 'notifyTo', path, { pattern: ADDRESS_PATTERN }),
      };
    case 'notification':
      return {
        kind: 'notification',
        message: requiredAttribute(root, 'message', path, { pattern: MESSAGE_ID_PATTERN }),
        disposition: enumAttribute(root, 'disposition', path, DISPOSITION_TYPES),
      };
    default:
      throw new ExtensionError(
        'EXTENSION_PAYLOAD_INVALID',
        `unknown disposition message '${root.name}'`,
        path,
      );
  }
}

/** Writes a disposition payload as its root element. */
export function encodeDisposition(payload: DispositionPayload): XmlElement {
  return payload.kind === 'request'
    ? xmlElement('dispositionRequest', { notifyTo: payload.notifyTo })
    : xmlElement('notification', { message: payload.message, disposition: payload.disposition });
}
