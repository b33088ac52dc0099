import type { XmlElement } from '../../message/index.ts';
import { ExtensionError } from '../recipient/errors.ts';
import {
  enumAttribute,
  expectEmpty,
  optionalAttribute,
  requiredAttribute,
  xmlElement,
} from '../recipient/xml-payload.ts';

/** Namespace of the mailing-list payloads. */
export const LIST_NAMESPACE = 'urn:mt2:ext:list';

/** What a confirmation confirms. */
export type ListAction = 'subscribe' | 'unsubscribe';

/**
 * Why a list refused a control request: the token is wrong or expired, the sender is
 * not a member, the list takes no subscriptions, or it has too many confirmations
 * waiting.
 */
export type ListRefusal = 'TOKEN_MISMATCH' | 'NOT_MEMBER' | 'CLOSED' | 'TRY_LATER';

const LIST_REFUSALS: readonly ListRefusal[] = [
  'TOKEN_MISMATCH',
  'NOT_MEMBER',
  'CLOSED',
  'TRY_LATER',
];
const ADDRESS_PATTERN = /^[^\s@<>"]+@[^\s@<>"]+$/;
/** Tokens: 16 to 128 URL-safe characters (the list host makes 128-bit random ones). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The list payloads. To a list address: `subscribe`, `unsubscribe`, `confirm` (with
 * the token the list sent). From the list: `confirmRequired` (asks the user to
 * confirm), `subscribed`, `unsubscribed`, `refused`.
 */
export type ListPayload =
  | { readonly kind: 'subscribe'; readonly list: string }
  | { readonly kind: 'unsubscribe'; readonly list: string }
  | {
      readonly kind: 'confirm';
      readonly list: string;
      readonly action: ListAction;
      readonly token: string;
    }
  | {
      readonly kind: 'confirmRequired';
      readonly list: string;
      readonly action: ListAction;
      readonly token: string;
    }
  | { readonly kind: 'subscribed'; readonly list: string; readonly name?: string }
  | { readonly kind: 'unsubscribed'; readonly list: string }
  | { readonly kind: 'refused'; readonly list: string; readonly reason: ListRefusal };

const KINDS: readonly ListPayload['kind'][] = [
  'subscribe',
  'unsubscribe',
  'confirm',
  'confirmRequired',
  'subscribed',
  'unsubscribed',
  'refused',
];

/** Reads a list payload root. */
export function decodeList(root: XmlElement): ListPayload {
  const path = `/${root.name}`;
  const kind = KINDS.find((candidate) => candidate === root.name);
  if (kind === undefined) {
    throw new ExtensionError(
      'EXTENSION_PAYLOAD_INVALID',
      `unknown list message '${root.name}'`,
      path,
    );
  }
  expectEmpty(root, path);
  const list = requiredAttribute(root, 'list', path, { pattern: ADDRESS_PATTERN });
  switch (kind) {
    case 'confirm':
    case 'confirmRequired':
      return {
        kind,
        list,
        action: enumAttribute(root, 'action', path, ['subscribe', 'unsubscribe'] as const),
        token: requiredAttribute(root, 'token', path, { pattern: TOKEN_PATTERN }),
      };
    case 'subscribed': {
      const name = optionalAttribute(root, 'name', path, { maxChars: 200 });
      return name === undefined ? { kind, list } : { kind, list, name };
    }
    case 'refused':
      return { kind, list, reason: enumAttribute(root, 'reason', path, LIST_REFUSALS) };
    default:
      return { kind, list };
  }
}

/** Writes a list payload as its root element. */
export function encodeList(payload: ListPayload): XmlElement {
  const { kind, ...attributes } = payload;
  return xmlElement(kind, attributes);
}
