// Size limits on everything that enters the store. Values over a limit are refused
// with LOCAL_STORE_INVALID_INPUT before anything is written.
import { MAX_BODY_BYTES, MAX_XML_BYTES } from '../../message/index.ts';

/** Longest account id, msg-id, mailbox name or flag name, in UTF-16 code units. */
export const MAX_ID_CHARS = 1024;
/** Most flags on one message. */
export const MAX_FLAGS = 64;
/** Largest envelope or headers XML stored (the message module's XML limit). */
export const MAX_PART_XML_BYTES = MAX_XML_BYTES;
/** Largest body stored (the message module's body limit). */
export const MAX_STORED_BODY_BYTES = MAX_BODY_BYTES;
/** Longest body text indexed for search; longer text is cut here (in code units). */
export const MAX_INDEXED_TEXT_CHARS = 1024 * 1024;
/** Longest display field (name, address, subject), in code units. */
export const MAX_DISPLAY_CHARS = 4096;
/** Longest snippet, in code units. */
export const MAX_SNIPPET_CHARS = 512;
/** Most addresses in the to or cc display list. */
export const MAX_DISPLAY_ADDRESSES = 1000;
/** Largest JSON document (verification result, draft, error report), in code units. */
export const MAX_JSON_CHARS = 16 * 1024 * 1024;
/** Largest certificate stored with a contact (the protocol's MAXCERT default). */
export const MAX_CERTIFICATE_BYTES = 65536;
/** Most rows one page or one `pendingFlagChanges` / `dueOutboxItems` call returns. */
export const MAX_PAGE_SIZE = 1000;
/** Most messages, updates or ids in one batch call. */
export const MAX_BATCH_ITEMS = 10_000;
/** Longest search text, in code units. */
export const MAX_SEARCH_CHARS = 1000;
/** Most words in one search. */
export const MAX_SEARCH_TERMS = 32;
/** Most accounts one list or search covers (each is one indexed query per page). */
export const MAX_QUERY_ACCOUNTS = 64;
