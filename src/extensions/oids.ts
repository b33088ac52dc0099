/**
 * The project's object identifiers. MT2 extensions "have private OID branches" (the
 * slides); without a registered enterprise number the project uses a UUID-based arc
 * (ITU-T X.667, `2.25.<uuid as an integer>`), which is unique without registration.
 *
 * Under the arc: `.1` transfer extensions, `.2` delivery extensions, `.3` recipient
 * extensions. The numbers are part of the wire format: never reuse or renumber one.
 */
export const MT2_OID_ARC = '2.25.87446249795278151239982248836484525420';

/** Transfer extensions: hop by hop, negotiated with OPT. */
export const TRANSFER_EXTENSION_ARC = `${MT2_OID_ARC}.1`;
/** Delivery extensions: for @domain, carried in the envelope. */
export const DELIVERY_EXTENSION_ARC = `${MT2_OID_ARC}.2`;
/** Recipient extensions: for user@, carried in the headers; never processed without consent. */
export const RECIPIENT_EXTENSION_ARC = `${MT2_OID_ARC}.3`;

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
