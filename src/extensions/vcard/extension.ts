// The vCard recipient extension: a request is answered with the user's own card; a
// received card becomes a contact bound to the sender's certificate fingerprint.
import { VCARD_OID } from '../oids.ts';
import { ExtensionError } from '../recipient/errors.ts';
import type {
  HandlerContext,
  HandlerOutcome,
  RecipientExtension,
  UserAction,
} from '../recipient/spec.ts';
import { addressKey, putState } from '../recipient/state.ts';
import { readVcard } from './card.ts';
import type { Contact } from './contact.ts';
import {
  VCARD_NAMESPACE,
  decodeVcardPayload,
  encodeVcardPayload,
  type VcardPayload,
} from './payload.ts';

function answerRequest(context: HandlerContext): HandlerOutcome<VcardPayload> {
  const sender = context.message.sender.address;
  const own = context.self.vcard;
  if (own === undefined) {
    return {
      summary: `${sender} asks for your vCard; you have none yet (set it up in settings)`,
      replies: [],
      writes: [],
      blockedBy: new ExtensionError('VCARD_NOT_CONFIGURED', 'you have no vCard of your own yet'),
    };
  }
  return {
    summary: `${sender} asks for your vCard (${readVcard(own).fullName})`,
    replies: [{ to: sender, payload: { kind: 'card', vcard: own } }],
    writes: [],
  };
}

function takeCard(vcard: string, context: HandlerContext): HandlerOutcome<VcardPayload> {
  const { sender, receivedAt } = context.message;
  const card = readVcard(vcard);
  const contact: Contact = {
    address: sender.address,
    fullName: card.fullName,
    vcard,
    ...(sender.certificateFingerprint === undefined
      ? {}
      : { certificateFingerprint: sender.certificateFingerprint }),
    verified: sender.verified,
    updatedAt: receivedAt,
  };
  const known = context.state.get('contacts', addressKey(sender.address)) !== undefined;
  return {
    summary: `${sender.address} sends the vCard of ${card.fullName}; ${known ? 'update the contact' : 'add to contacts'}`,
    replies: [],
    writes: [putState('contacts', addressKey(sender.address), contact)],
  };
}

/** vCard request and answer (RFC 6350 vCard 4.0). */
export const vcardExtension: RecipientExtension<VcardPayload> = {
  oid: VCARD_OID,
  version: 1,
  critical: false,
  namespace: VCARD_NAMESPACE,
  decode: decodeVcardPayload,
  encode: encodeVcardPayload,
  subject(payload) {
    switch (payload.kind) {
      case 'request':
        return 'May I have your contact card?';
      case 'card':
        return `Contact card: ${readVcard(payload.vcard).fullName}`;
      case 'declined':
        return 'Contact card not shared';
    }
  },
  handle(payload, context) {
    switch (payload.kind) {
      case 'request':
        return answerRequest(context);
      case 'card':
        return takeCard(payload.vcard, context);
      case 'declined':
        return {
          summary: `${context.message.sender.address} declined to share their vCard`,
          replies: [],
          writes: [],
        };
    }
  },
  declineNotice(payload, context) {
    return payload.kind === 'request'
      ? { to: context.message.sender.address, payload: { kind: 'declined' } }
      : undefined;
  },
};

/** Asks `to` for their vCard. */
export function requestVcard(to: string): UserAction<VcardPayload> {
  return { to: [to], payload: { kind: 'request' }, writes: [] };
}

/** Shares the user's own vCard with `to`, unasked; refused if it is not a valid vCard 4.0. */
export function shareVcard(to: string, vcard: string): UserAction<VcardPayload> {
  readVcard(vcard);
  return { to: [to], payload: { kind: 'card', vcard }, writes: [] };
}
