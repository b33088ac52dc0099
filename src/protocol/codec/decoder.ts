import { DEFAULT_LIMITS, MAX_WIRE_INTEGER, type Mt2Limits } from './limits.ts';
import type { Mt2Frame, Mt2Invalid } from './frames.ts';
import { parseLine } from './line-parser.ts';
import { hasControl } from './grammar.internal.ts';

/**
 * Where the decoder is in the byte stream:
 * - `line`: collecting a line up to LF;
 * - `discard`: a line ran over `maxLineBytes`; dropping octets up to the next LF so the
 *   stream stays in step;
 * - `data`: collecting the octets a `{tag n}` header announced;
 * - `failed`: a fatal limit broke; no later octet is parsed as protocol.
 */
export type DecoderState = 'line' | 'discard' | 'data' | 'failed';

const LF = 0x0a;
const CR = 0x0d;
const CHUNK_HEADER = /^\{(0|[1-9][0-9]{0,15}) ([0-9]{1,17})\}$/;
const LEADING_TAG = /^\[(0|[1-9][0-9]{0,15})[ =\]]/;

/**
 * The streaming MT2 decoder (docs/protocol.md sections 2 and 4): octets in, frames out.
 * It yields the same frames however the stream is split across `push` calls, holds
 * at most one line or one chunk in memory, and never throws on peer input.
 */
export class Mt2Decoder {
  private state: DecoderState = 'line';
  private readonly maxLineBytes: number;
  private readonly maxChunkBytes: number;
  private readonly line: Uint8Array;
  private lineLength = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkFilled = 0;
  private chunkTag = 0;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  /** @param limits `maxLineBytes` and `maxChunkBytes` (defaults: 8192 and 65536). */
  constructor(limits: Pick<Mt2Limits, 'maxLineBytes' | 'maxChunkBytes'> = DEFAULT_LIMITS) {
    this.maxLineBytes = limits.maxLineBytes;
    this.maxChunkBytes = limits.maxChunkBytes;
    this.line = new Uint8Array(limits.maxLineBytes);
  }

  /** The current state (see {@link DecoderState}). */
  get currentState(): DecoderState {
    return this.state;
  }

  /** Octets still owed to the chunk being read (0 outside a chunk). */
  get remainingChunkBytes(): number {
    return this.state === 'data' ? this.chunk.length - this.chunkFilled : 0;
  }

  /** Feeds octets; returns the frames they complete, in order. */
  push(bytes: Uint8Array): Mt2Frame[] {
    const frames: Mt2Frame[] = [];
    let pos = 0;
    while (pos < bytes.length && this.state !== 'failed') {
      if (this.state === 'data') {
        pos = this.readData(bytes, pos, frames);
        continue;
      }
      const lf = bytes.indexOf(LF, pos);
      const end = lf < 0 ? bytes.length : lf + 1;
      if (this.state === 'discard') {
        if (lf >= 0) this.state = 'line';
        pos = end;
        continue;
      }
      const segment = end - pos;
      if (this.lineLength + segment > this.maxLineBytes) {
        frames.push(this.tooLong(bytes.subarray(pos, end)));
        this.lineLength = 0;
        this.state = lf < 0 ? 'discard' : 'line';
        pos = end;
        continue;
      }
      this.line.set(bytes.subarray(pos, end), this.lineLength);
      this.lineLength += segment;
      pos = end;
      if (lf >= 0) {
        const frame = this.finishLine(this.line.subarray(0, this.lineLength));
        this.lineLength = 0;
        if (frame !== undefined) frames.push(frame);
      }
    }
    return frames;
  }

  private readData(bytes: Uint8Array, pos: number, frames: Mt2Frame[]): number {
    const take = Math.min(this.chunk.length - this.chunkFilled, bytes.length - pos);
    this.chunk.set(bytes.subarray(pos, pos + take), this.chunkFilled);
    this.chunkFilled += take;
    if (this.chunkFilled === this.chunk.length) {
      frames.push({ kind: 'chunk', tag: this.chunkTag, data: this.chunk });
      this.chunk = new Uint8Array(0);
      this.state = 'line';
    }
    return pos + take;
  }

  /** The too-long line's tag is read from its first octets, which are always buffered. */
  private tooLong(tail: Uint8Array): Mt2Invalid {
    const head = new Uint8Array(Math.min(32, this.lineLength + tail.length));
    const fromLine = Math.min(this.lineLength, head.length);
    head.set(this.line.subarray(0, fromLine), 0);
    head.set(tail.subarray(0, head.length - fromLine), fromLine);
    const match = LEADING_TAG.exec(String.fromCharCode(...head));
    return invalid('LINE_TOO_LONG', `line longer than ${this.maxLineBytes} octets`, match);
  }

  private finishLine(raw: Uint8Array): Mt2Frame | undefined {
    if (raw.length < 2 || raw[raw.length - 2] !== CR) {
      return invalid('MALFORMED_LINE', 'a line ends with CRLF', null);
    }
    let text: string;
    try {
      text = this.utf8.decode(raw.subarray(0, raw.length - 2));
    } catch {
      return invalid('INVALID_UTF8', 'a line is UTF-8', null);
    }
    if (hasControl(text)) {
      return invalid('MALFORMED_LINE', 'control character in a line', LEADING_TAG.exec(text));
    }
    if (!text.startsWith('{')) return parseLine(text);
    const header = CHUNK_HEADER.exec(text);
    if (header === null) return invalid('MALFORMED_LINE', 'bad data chunk header', null);
    const size = Number(header[2]);
    if (size === 0 || header[2]?.startsWith('0') === true || Number(header[1]) > MAX_WIRE_INTEGER) {
      return invalid('MALFORMED_LINE', 'bad data chunk header', null);
    }
    if (size > this.maxChunkBytes) {
      this.state = 'failed';
      return { ...invalid('CHUNK_TOO_LARGE', `chunk of ${header[2]} octets`, null), fatal: true };
    }
    this.chunk = new Uint8Array(size);
    this.chunkFilled = 0;
    this.chunkTag = Number(header[1]);
    this.state = 'data';
    return undefined;
  }
}

function invalid(
  code: Mt2Invalid['code'],
  detail: string,
  tagMatch: RegExpExecArray | null,
): Mt2Invalid {
  const tag = tagMatch?.[1] === undefined ? null : Number(tagMatch[1]);
  return { kind: 'invalid', code, tag, fatal: false, detail };
}
