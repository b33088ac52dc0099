/**
 * Limits on MT2 message objects, checked before any XML library sees the input.
 * A limit of 0 is not "unlimited": it refuses every document, so pass a real number.
 */
export interface XmlLimits {
  /** Largest accepted document, in bytes. */
  readonly maxBytes: number;
  /** Deepest element nesting; the root element is depth 1. */
  readonly maxDepth: number;
  /** Most elements in one document. */
  readonly maxElements: number;
  /** Longest attribute value, in bytes of its source text. */
  readonly maxAttributeBytes: number;
}

/**
 * Default largest envelope or headers document: 1 MiB. An envelope carries a
 * certificate, a signature and one trace entry per hop; 1 MiB leaves room for long
 * trace paths while keeping a hostile document cheap to refuse.
 */
export const MAX_XML_BYTES = 1024 * 1024;

/** Default deepest element nesting: 32. Our own schema needs 4; extensions get the rest. */
export const MAX_XML_DEPTH = 32;

/** Default most elements in one document: 20,000 (a long References list is the biggest legitimate case). */
export const MAX_XML_ELEMENTS = 20_000;

/**
 * Default longest attribute value: 64 KiB. The largest attribute we write is `raw`, the
 * base64 of one legacy header field.
 */
export const MAX_XML_ATTRIBUTE_BYTES = 64 * 1024;

/** The limits used when a caller passes none. */
export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: MAX_XML_BYTES,
  maxDepth: MAX_XML_DEPTH,
  maxElements: MAX_XML_ELEMENTS,
  maxAttributeBytes: MAX_XML_ATTRIBUTE_BYTES,
};

/** Largest RFC 5322 message the legacy mapping and the .eml import accept: 64 MiB. */
export const MAX_RFC5322_BYTES = 64 * 1024 * 1024;

/** Largest mbox file the mbox import reads: 1 GiB. */
export const MAX_MBOX_BYTES = 1024 * 1024 * 1024;
