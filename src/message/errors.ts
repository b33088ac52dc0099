/**
 * Stable codes of {@link MessageError}. Callers and tests match on these, never on
 * the message text.
 */
export type MessageErrorCode =
  /** The XML document is larger than its byte limit. */
  | 'XML_TOO_LARGE'
  /** The XML document is not valid UTF-8. */
  | 'XML_INVALID_UTF8'
  /** The XML document has a DOCTYPE (DTDs, entity declarations, external and parameter entities are refused). */
  | 'XML_DTD_FORBIDDEN'
  /** An entity reference other than the five predefined ones, or a character reference to a character XML forbids. */
  | 'XML_BAD_REFERENCE'
  /** Elements nest deeper than the depth limit. */
  | 'XML_TOO_DEEP'
  /** The document has more elements than the element limit. */
  | 'XML_TOO_MANY_ELEMENTS'
  /** An attribute value is longer than the attribute limit. */
  | 'XML_ATTRIBUTE_TOO_LONG'
  /** The document ends inside a tag, comment or CDATA section, or with elements still open. */
  | 'XML_TRUNCATED'
  /** The document is not well-formed XML. */
  | 'XML_MALFORMED'
  /** The root element is not the expected one, or not in the MT2 namespace. */
  | 'XML_WRONG_ROOT'
  /** The document is well-formed but not a valid envelope or headers object. */
  | 'XML_INVALID_STRUCTURE'
  /** A value cannot be written as MT2 XML (an invalid date, a character XML forbids, ...). */
  | 'XML_UNENCODABLE'
  /** An RFC 5322 message is larger than the legacy-mapping limit. */
  | 'RFC5322_TOO_LARGE'
  /** A legacy message field cannot be read. */
  | 'RFC5322_MALFORMED'
  /** A MIME body is larger than its limit or cannot be parsed. */
  | 'MIME_INVALID'
  /** An mbox file is not in RFC 4155 form. */
  | 'MBOX_MALFORMED';

/**
 * The one error type of src/message. `path` names where the fault is: an XPath-like
 * location such as `/headers/to[2]/mailbox[1]/@address` for XML, a field name or a byte
 * offset for legacy input.
 */
export class MessageError extends Error {
  override readonly name = 'MessageError';

  constructor(
    readonly code: MessageErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(path === '' ? message : `${message} (at ${path})`);
  }
}
