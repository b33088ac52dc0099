import { DELIVERY_EXTENSION_ARC, RECIPIENT_EXTENSION_ARC } from '../message/index.ts';

// The arcs live in src/message (oids.ts), the lowest layer that names extensions; the
// number of each extension is given here. Delivery extensions: `.1` hashcash postage,
// `.2` the encrypted-parts mark (src/identity/message-security, which cannot import
// this folder). Never reuse or renumber one.
export {
  MT2_OID_ARC,
  TRANSFER_EXTENSION_ARC,
  DELIVERY_EXTENSION_ARC,
  RECIPIENT_EXTENSION_ARC,
} from '../message/index.ts';

/** Delivery extension: hashcash postage (envelope, for @domain). */
export const HASHCASH_OID = `${DELIVERY_EXTENSION_ARC}.1`;

/** Recipient extension: vCard request and answer (RFC 6350 vCard 4.0). */
export const VCARD_OID = `${RECIPIENT_EXTENSION_ARC}.1`;

/** Recipient extension: chess by mail (challenges, moves, resignation, draws). */
export const CHESS_OID = `${RECIPIENT_EXTENSION_ARC}.2`;

/** Recipient extension: mailing-list management (subscribe, unsubscribe, confirm). */
export const MAILING_LIST_OID = `${RECIPIENT_EXTENSION_ARC}.3`;

/** Recipient extension: disposition notifications (request and answer, after RFC 8098). */
export const DISPOSITION_OID = `${RECIPIENT_EXTENSION_ARC}.4`;
