import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Mt2Decoder } from '../../../../src/protocol/codec/decoder.ts';
import { encodeFrame, formatLine } from '../../../../src/protocol/codec/encoder.ts';
import { parseLine } from '../../../../src/protocol/codec/line-parser.ts';
import type { Mt2Frame } from '../../../../src/protocol/codec/frames.ts';
import { frameArb, requestArb, responseArb } from '../../../helpers/frame-arbitraries.ts';

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Splits `bytes` at the given cut points (any values; sorted and clamped here). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  return pieces;
}

function decodeAll(pieces: readonly Uint8Array[]): Mt2Frame[] {
  const decoder = new Mt2Decoder();
  return pieces.flatMap((piece) => decoder.push(piece));
}

test('format then parse is identity for generated request and response lines', () => {
  fc.assert(
    fc.property(fc.oneof(requestArb, responseArb), (frame) => {
      assert.deepEqual(parseLine(formatLine(frame)), frame);
    }),
    { numRuns: 2000 },
  );
});

test('encode then decode is identity for generated frames of every kind', () => {
  fc.assert(
    fc.property(fc.array(frameArb, { minLength: 1, maxLength: 8 }), (frames) => {
      assert.deepEqual(decodeAll([concat(frames.map(encodeFrame))]), frames);
    }),
    { numRuns: 500 },
  );
});

test("the decoder's output does not depend on how the input is split", () => {
  const junk = fc.uint8Array({ maxLength: 40 }).map((b) => concat([b, Uint8Array.of(13, 10)]));
  const piece = fc.oneof(frameArb.map(encodeFrame), junk);
  fc.assert(
    fc.property(
      fc.array(piece, { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      (pieces, cuts) => {
        const stream = concat(pieces);
        const whole = decodeAll([stream]);
        const byteByByte = decodeAll([...stream].map((b) => Uint8Array.of(b)));
        assert.deepEqual(decodeAll(split(stream, cuts)), whole);
        assert.deepEqual(byteByByte, whole);
      },
    ),
    { numRuns: 400 },
  );
});
