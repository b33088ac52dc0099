// The public face of src/protocol: the MT2 wire (docs/protocol.md).
export * from './errors.ts';
export * from './result-codes.ts';
export * from './codec/frames.ts';
export * from './codec/limits.ts';
export { Mt2Decoder, type DecoderState } from './codec/decoder.ts';
export {
  describeFrame,
  encodeChunk,
  encodeFrame,
  encodeLine,
  formatLine,
} from './codec/encoder.ts';
export { parseLine } from './codec/line-parser.ts';
export * from './session/states.ts';
export {
  Endpoint,
  GLOBAL_TIMERS,
  type DataSink,
  type SessionIo,
  type SessionTimers,
} from './session/endpoint.ts';
export * from './session/extension.ts';
export * from './session/transfer-receiver.ts';
export {
  CORE_VERBS,
  type CoreVerb,
  type HeloRequest,
  type HeloVerdict,
} from './session/server-verbs/index.ts';
export * from './session/server-session.ts';
export * from './session/client-session.ts';
export { CLIENT_VERBS, type ClientVerb } from './verbs/index.ts';
export type {
  HeloResult,
  MessageParts,
  OptResult,
  StatResult,
  XferOptions,
  XferResult,
} from './verbs/index.ts';
export * from './transfer-extensions/pipe.ts';
export * from './transfer-extensions/stat.ts';
export * from './transfer-extensions/mailbox.ts';
export * from './node/tls-transport.ts';
export * from './transfer-extensions/trace.ts';
