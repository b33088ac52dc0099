import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mt2Decoder } from '../../../../src/protocol/codec/decoder.ts';
import { describeFrame, encodeChunk } from '../../../../src/protocol/codec/encoder.ts';
import {
  DEFAULT_LIMITS,
  MAX_CHUNK_BYTES,
  MAX_LINE_BYTES,
  resolveLimits,
} from '../../../../src/protocol/codec/limits.ts';
import { Mt2Error } from '../../../../src/protocol/errors.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

/** A NOOP request line of exactly `total` octets, CRLF included. */
function lineOfLength(total: number, tag = 5): string {
  const head = `[${tag} NOOP `;
  return `${head}${'x'.repeat(total - head.length - 3)}]\r\n`;
}

test('a line of exactly maxLineBytes is accepted', () => {
  const decoder = new Mt2Decoder();
  const line = lineOfLength(MAX_LINE_BYTES);
  assert.equal(line.length, MAX_LINE_BYTES);
  const [frame] = decoder.push(ascii(line));
  assert.equal(frame?.kind, 'request');
});

test('a line one octet over maxLineBytes gets LINE_TOO_LONG with its tag, and the next line is read', () => {
  for (const pieces of [1, 3, 9000]) {
    const decoder = new Mt2Decoder();
    const stream = ascii(lineOfLength(MAX_LINE_BYTES + 1, 42) + '[43 NOOP]\r\n');
    const size = Math.ceil(stream.length / pieces);
    const frames = [];
    for (let at = 0; at < stream.length; at += size) {
      frames.push(...decoder.push(stream.subarray(at, at + size)));
    }
    assert.equal(frames.length, 2);
    assert.deepEqual(frames[0] && { ...frames[0], detail: '' }, {
      kind: 'invalid',
      code: 'LINE_TOO_LONG',
      tag: 42,
      fatal: false,
      detail: '',
    });
    assert.equal(frames[1]?.kind === 'request' && frames[1].tag, 43);
  }
});

test('an endless line is dropped without being buffered', () => {
  const decoder = new Mt2Decoder();
  const junk = new Uint8Array(1 << 20).fill(0x41);
  const frames = [];
  for (let i = 0; i < 20; i++) frames.push(...decoder.push(junk));
  assert.equal(frames.length, 1);
  assert.equal(frames[0]?.kind === 'invalid' && frames[0].code, 'LINE_TOO_LONG');
  assert.equal(decoder.currentState, 'discard');
  assert.deepEqual(
    decoder.push(ascii('\r\n[1 NOOP]\r\n')).map((f) => f.kind),
    ['request'],
  );
});

test('a bare LF, invalid UTF-8 and control characters are refused, and reading goes on', () => {
  const decoder = new Mt2Decoder();
  const bytes = new Uint8Array([
    ...ascii('[1 NOOP]\n'),
    ...ascii('[2 OK 99.0.2.0 '),
    0xff,
    ...ascii(']\r\n'),
    ...ascii('[3 NOOP \x01]\r\n'),
    ...ascii('[4 NOOP]\r\n'),
  ]);
  const frames = decoder.push(bytes);
  assert.deepEqual(
    frames.map((f) => (f.kind === 'invalid' ? `${f.code}:${f.tag}` : f.kind)),
    ['MALFORMED_LINE:null', 'INVALID_UTF8:null', 'MALFORMED_LINE:3', 'request'],
  );
});

test('a chunk of exactly maxChunkBytes is accepted', () => {
  const decoder = new Mt2Decoder();
  const data = new Uint8Array(MAX_CHUNK_BYTES).fill(7);
  const [frame] = decoder.push(encodeChunk(9, data));
  assert.equal(frame?.kind, 'chunk');
  assert.equal(frame.data.length, MAX_CHUNK_BYTES);
});

test('a chunk header one octet over maxChunkBytes is fatal: nothing after it is parsed', () => {
  const decoder = new Mt2Decoder();
  const frames = decoder.push(ascii(`{9 ${MAX_CHUNK_BYTES + 1}}\r\n[1 QUIT]\r\n`));
  assert.equal(frames.length, 1);
  assert.equal(frames[0]?.kind === 'invalid' && frames[0].code, 'CHUNK_TOO_LARGE');
  assert.equal(frames[0]?.kind === 'invalid' && frames[0].fatal, true);
  assert.equal(decoder.currentState, 'failed');
  assert.deepEqual(decoder.push(ascii('[2 NOOP]\r\n')), []);
});

test('bad chunk headers are refused without reading data', () => {
  const decoder = new Mt2Decoder();
  const frames = decoder.push(ascii('{1 0}\r\n{1 01}\r\n{1 x}\r\n{01 5}\r\n[2 NOOP]\r\n'));
  assert.deepEqual(
    frames.map((f) => (f.kind === 'invalid' ? f.code : f.kind)),
    ['MALFORMED_LINE', 'MALFORMED_LINE', 'MALFORMED_LINE', 'MALFORMED_LINE', 'request'],
  );
});

test('chunk data may hold CRLF and brackets: only the announced count is read', () => {
  const decoder = new Mt2Decoder();
  const data = ascii('[1 QUIT]\r\n{2 3}\r\n');
  const frames = decoder.push(new Uint8Array([...encodeChunk(3, data), ...ascii('[4 NOOP]\r\n')]));
  assert.deepEqual(frames[0], { kind: 'chunk', tag: 3, data });
  assert.equal(frames[1]?.kind === 'request' && frames[1].verb, 'NOOP');
  assert.equal(decoder.remainingChunkBytes, 0);
});

test('each chunk owns its array: later input never changes data handed over', () => {
  const decoder = new Mt2Decoder();
  const input = new Uint8Array([...encodeChunk(1, ascii('abc')), ...encodeChunk(2, ascii('xyz'))]);
  const frames = [...decoder.push(input.subarray(0, 9)), ...decoder.push(input.subarray(9))];
  input.fill(0);
  const chunks = frames.flatMap((frame) => (frame.kind === 'chunk' ? [frame.data] : []));
  assert.deepEqual(
    chunks.map((data) => new TextDecoder().decode(data)),
    ['abc', 'xyz'],
  );
  assert.notEqual(chunks[0]?.buffer, chunks[1]?.buffer);
});

test('limits: defaults, 0 means unlimited only where documented, bad values refused', () => {
  assert.deepEqual(resolveLimits(), DEFAULT_LIMITS);
  assert.equal(resolveLimits({ maxPartBytes: 0, idleTimeoutMs: 0 }).maxPartBytes, 0);
  for (const bad of [
    { maxLineBytes: 0 },
    { maxChunkBytes: 0 },
    { maxInFlight: 0 },
    { maxCertificateBytes: 0 },
    { maxLineBytes: 63 },
    { maxPartBytes: -1 },
    { idleTimeoutMs: 1.5 },
  ]) {
    assert.throws(
      () => resolveLimits(bad),
      (error: unknown) => error instanceof Mt2Error && error.code === 'INVALID_LIMIT',
    );
  }
});

test('a smaller maxLineBytes is enforced where the bytes arrive', () => {
  const decoder = new Mt2Decoder(resolveLimits({ maxLineBytes: 64 }));
  assert.equal(decoder.push(ascii(lineOfLength(64)))[0]?.kind, 'request');
  const [over] = decoder.push(ascii(lineOfLength(65)));
  assert.equal(over?.kind === 'invalid' && over.code, 'LINE_TOO_LONG');
});

test('the logging form never shows chunk data, only its size', () => {
  const secret = ascii('-----BEGIN PRIVATE KEY-----');
  const [chunk] = new Mt2Decoder().push(encodeChunk(4, secret));
  assert.ok(chunk);
  assert.equal(describeFrame(chunk), `{4 ${secret.length}} <${secret.length} octets>`);
  const [line] = new Mt2Decoder().push(ascii('[1 HELO {27}]\r\n'));
  assert.ok(line);
  assert.equal(describeFrame(line), '[1 HELO {27}]');
});
