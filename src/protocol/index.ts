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
