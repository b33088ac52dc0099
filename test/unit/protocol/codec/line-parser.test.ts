import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../../src/protocol/codec/line-parser.ts';
import { formatLine } from '../../../../src/protocol/codec/encoder.ts';
import { Mt2Error } from '../../../../src/protocol/errors.ts';

function invalidCode(line: string): string | undefined {
  const frame = parseLine(line);
  return frame.kind === 'invalid' ? frame.code : undefined;
}

describe('malformed lines are refused with a code, and keep the tag when it can be read', () => {
  const cases: [string, string, number | null][] = [
    ['no brackets', 'MALFORMED_LINE', null],
    ['[]', 'MALFORMED_LINE', null],
    ['[1]', 'MALFORMED_LINE', null],
    ['[01 NOOP]', 'MALFORMED_LINE', null],
    ['[* NOOP]', 'MALFORMED_LINE', null],
    ['[3 NO-OP]', 'MALFORMED_LINE', 3],
    ['[3 NOOP ]', 'MALFORMED_LINE', 3],
    ['[3 NOOP  x]', 'MALFORMED_LINE', 3],
    ['[3 XFER {12]', 'MALFORMED_LINE', 3],
    ['[3 XFER {012}]', 'MALFORMED_LINE', 3],
    ['[3 XFER {9007199254740992}]', 'MALFORMED_LINE', 3],
    ['[3 OPT (A=B) x]', 'MALFORMED_LINE', 3],
    ['[3 OPT (A=)]', 'MALFORMED_LINE', 3],
    ['[3 OPT ()]', 'MALFORMED_LINE', 3],
    ['[3 OPT (A=B;;C)]', 'MALFORMED_LINE', 3],
    ['[3 ABOR=]', 'MALFORMED_LINE', 3],
    ['[1 OK 99.0.5.0 x]', 'STATUS_CLASS_MISMATCH', null],
    ['[1 TMP 99.0.2.0]', 'STATUS_CLASS_MISMATCH', null],
    ['[1 ERR 99.0.3.1]', 'STATUS_CLASS_MISMATCH', null],
    ['[1 OK 99.1.2.0]', 'MALFORMED_LINE', null],
    ['[1 OK 99.0.2]', 'MALFORMED_LINE', null],
    ['[1 OK 99.0.2.0 ]', 'MALFORMED_LINE', null],
    ['[1 OK 99.0.2.0 (A OK 99.0.5.1 x)]', 'STATUS_CLASS_MISMATCH', null],
    ['[1 OK 99.0.2.0 (A OK)]', 'MALFORMED_LINE', null],
    ['[1 OK 99.0.2.0 (A MAYBE 1.0.2.0)]', 'MALFORMED_LINE', null],
    ['[1 OK 99.0.2.0 (A]', 'MALFORMED_LINE', null],
    ['[1 OK 99.0.2.0 (A)x]', 'MALFORMED_LINE', null],
  ];
  for (const [line, code, tag] of cases) {
    test(line, () => {
      const frame = parseLine(line);
      assert.equal(frame.kind, 'invalid');
      assert.equal(frame.code, code);
      assert.equal(frame.tag, tag);
    });
  }
});

test('text may hold brackets, parentheses after its start, and UTF-8', () => {
  for (const line of [
    '[1 OK 99.0.2.0 a ] b (c) d]',
    '[1 OK 99.0.2.0 Grüße, 世界]',
    '[1 OK 99.0.2.0 (A) (B OK 5.0.2.0) text (x)]',
    '[1 OK 1.3.6.1.4.1.99.0.2.7]',
  ]) {
    const frame = parseLine(line);
    assert.notEqual(frame.kind, 'invalid', line);
    if (frame.kind !== 'invalid') assert.equal(formatLine(frame), line);
  }
  assert.equal(invalidCode('[1 OK 99.0.2.0 (x'), 'MALFORMED_LINE');
});

test('the encoder refuses frames the grammar would read back differently', () => {
  const bad = [
    () =>
      formatLine({
        kind: 'request',
        tag: 1,
        verb: 'no op',
        params: [],
        options: [],
        joined: false,
      }),
    () =>
      formatLine({
        kind: 'request',
        tag: -1,
        verb: 'NOOP',
        params: [],
        options: [],
        joined: false,
      }),
    () =>
      formatLine({ kind: 'request', tag: 1, verb: 'ABOR', params: [], options: [], joined: true }),
    // A status word as verb would be read back as a response.
    () =>
      formatLine({ kind: 'request', tag: 0, verb: 'OK', params: [], options: [], joined: false }),
    () =>
      formatLine({
        kind: 'request',
        tag: 1,
        verb: 'X',
        params: [{ kind: 'atom', value: 'a b' }],
        options: [],
        joined: false,
      }),
    () =>
      formatLine({
        kind: 'response',
        tag: 1,
        status: 'OK',
        code: '99.0.5.0',
        groups: [],
        text: '',
      }),
    () =>
      formatLine({
        kind: 'response',
        tag: 1,
        status: 'OK',
        code: '99.0.2.0',
        groups: [],
        text: '(x',
      }),
    () =>
      formatLine({
        kind: 'response',
        tag: 1,
        status: 'OK',
        code: '99.0.2.0',
        groups: [],
        text: 'a\r\nb',
      }),
    () =>
      formatLine({
        kind: 'response',
        tag: '*',
        status: 'OK',
        code: '99.0.2.0',
        groups: [{ kind: 'option', name: 'A', values: ['x;y'] }],
        text: '',
      }),
  ];
  for (const call of bad) {
    assert.throws(
      call,
      (error: unknown) => error instanceof Mt2Error && error.code === 'INVALID_FRAME',
    );
  }
});
