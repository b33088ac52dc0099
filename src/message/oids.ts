/**
 * The project's object identifiers. MT2 extensions "have private OID branches" (the
 * slides); without a registered enterprise number the project uses a UUID-based arc
 * (ITU-T X.667, `2.25.<uuid as an integer>`), which is unique without registration.
 * The numbers are part of the wire format: never reuse or renumber one.
 */
export const MT2_OID_ARC = '2.25.87446249795278151239982248836484525420';

/** Transfer extensions: hop by hop, negotiated with OPT. */
export const TRANSFER_EXTENSION_ARC = `${MT2_OID_ARC}.1`;
/** Delivery extensions: for @domain, carried in the envelope. */
export const DELIVERY_EXTENSION_ARC = `${MT2_OID_ARC}.2`;
/** Recipient extensions: for user@, carried in the headers; never processed without consent. */
export const RECIPIENT_EXTENSION_ARC = `${MT2_OID_ARC}.3`;
