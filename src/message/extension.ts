import type { XmlNode } from './xml-tree.ts';

/**
 * A delivery extension (in the envelope) or a recipient extension (in the headers):
 * an OID from the extension's private branch, the `critical` flag, and the
 * extension's own XML, kept exactly as received so that an extension this code does
 * not know is written back unchanged. Interpreting `content` is the job of
 * src/extensions.
 */
export interface Mt2Extension {
  /** Dotted OID naming the extension, e.g. `1.3.6.1.4.1.99999.1.1`. */
  readonly oid: string;
  /** When true, a receiver that does not know `oid` must reject the whole message. */
  readonly critical: boolean;
  /** The extension's payload: elements and text, in document order. */
  readonly content: readonly XmlNode[];
}

/** A dotted object identifier: an arc 0, 1 or 2, then one or more decimal arcs. */
export const OID_PATTERN = /^[0-2](?:\.(?:0|[1-9][0-9]*))+$/;

/**
 * The critical extensions among `extensions` whose OID is not in `known`. For delivery
 * extensions a non-empty result means the whole message must be rejected
 * (mt2-profile.md section 4); unknown non-critical ones are kept and ignored.
 */
export function unknownCriticalExtensions(
  extensions: readonly Mt2Extension[],
  known: ReadonlySet<string>,
): Mt2Extension[] {
  return extensions.filter((extension) => extension.critical && !known.has(extension.oid));
}
