// The public face of src/message: MT2 message objects (envelope, headers, body), their
// XML and MIME forms, and the RFC 5322 legacy mapping.
export { MessageError, type MessageErrorCode } from './errors.ts';
export * from './oids.ts';
export {
  DEFAULT_XML_LIMITS,
  MAX_XML_BYTES,
  MAX_XML_DEPTH,
  MAX_XML_ELEMENTS,
  MAX_XML_ATTRIBUTE_BYTES,
  MAX_RFC5322_BYTES,
  MAX_MBOX_BYTES,
  type XmlLimits,
} from './limits.ts';
export {
  MT2_MESSAGE_NAMESPACE,
  parseXmlDocument,
  type XmlElement,
  type XmlNode,
} from './xml-tree.ts';
export { OID_PATTERN, unknownCriticalExtensions, type Mt2Extension } from './extension.ts';
export type { Mt2Envelope, TraceEntry, ErrorReport, ErrorReportResult } from './envelope.ts';
export {
  LIST_URI_FIELD_NAMES,
  summarizeHeaders,
  type AddressEntry,
  type AddressListKind,
  type HeaderField,
  type HeaderFieldKind,
  type HeaderSummary,
  type LegacyFieldName,
  type ListUriFieldName,
  type Mailbox,
  type MailboxGroup,
  type Mt2Headers,
} from './headers.ts';
export { appendTraceEntryXml, decodeEnvelope, encodeEnvelope } from './envelope-xml.ts';
export { decodeHeaders, encodeHeaders } from './headers-xml.ts';
export { previewHeaders } from './headers-preview.ts';
export { mt2ToRfc5322, rfc5322ToMt2, type Mt2Message, type SmtpEnvelope } from './legacy.ts';
export {
  bodyText,
  buildBody,
  parseBody,
  MAX_BODY_BYTES,
  MAX_HTML_FOR_TEXT,
  MAX_MIME_DEPTH,
  MAX_MIME_HEADER_BYTES,
  type BodyAttachment,
  type DisplayBody,
  type OutgoingAttachment,
  type OutgoingBody,
} from './body.ts';
export { splitMbox, type MboxEntry, type MboxOptions, type MboxQuoting } from './mbox.ts';
