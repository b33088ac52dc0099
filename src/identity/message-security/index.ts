// The security of a whole MT2 message: the sender signature, the trace chain, encrypted
// parts and signed error reports (docs/message-security.md).
export {
  MessageSecurityError,
  type MessageSecurityErrorCode,
  type MessageSecurityFailure,
  type MessageSecurityReasonCode,
} from './errors.ts';
export {
  decodeMessageStatement,
  decodeTraceStatement,
  encodeMessageStatement,
  encodeTraceStatement,
  type MessageStatement,
  type PartDigest,
  type SignedPartType,
  type TraceStatement,
} from './statement.ts';
export { MAX_SIGNATURE_BYTES, parsedCertificateOf } from './signer.internal.ts';
export {
  ENCRYPTED_PARTS_OID,
  decryptPart,
  encryptMessageParts,
  encryptPart,
  encryptedPartsOf,
  markEncryptedParts,
  type CmsReaders,
  type EncryptablePart,
  type MessageParts,
} from './encryption.ts';
export {
  messagePartDigests,
  signMessage,
  verifyMessage,
  type CheckState,
  type MessageCheck,
  type MessageVerification,
} from './sender-signature.ts';
export {
  MAX_TRACE_ENTRIES,
  appendTrace,
  appendTraceWith,
  verifyTraceChain,
  type TraceChainOptions,
  type TraceVerification,
} from './trace.ts';
export { buildErrorReport, encodeErrorReportData, verifyErrorReport } from './error-report.ts';
