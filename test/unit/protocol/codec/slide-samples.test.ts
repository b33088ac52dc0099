import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLine } from '../../../../src/protocol/codec/encoder.ts';
import { parseLine } from '../../../../src/protocol/codec/line-parser.ts';

/** Every sample line of the slides (seed/000_6df5dce30ddc955f.txt), in slide order. */
const SLIDE_LINES = [
  // "Request/Response Sample"
  '[1 OPT (BAZ=FOO;BAR)]',
  '[1 ERR 99.0.5.0 (BAZ ERR 99.0.5.9 Unknown.)]',
  '[2 XFER m23@test.com message/envelope {3279} {0}]',
  '[2 TMP 99.0.3.5 Go ahead with envelope.]',
  '[2 ERR 99.0.5.23 Invalid sender certificate.]',
  // "Setup Example"
  '[* TMP 99.0.3.1 (VER=0.9;1.0) Hi there.]',
  '[1 HELO {4928}]',
  '[1 TMP 99.0.3.2 Friend or foe!]',
  '[1 OK 99.0.2.1 (BAR) Greetings friend.]',
  '[2 OPT (BAR=FOO)]',
  '[2 OK 99.0.2.2 (BAR OK 121.0.2.1) Go ahead.]',
  // "Transfer Example"
  '[3 XFER m23@test.com message/body {59203} {0}]',
  '[3 TMP 99.0.3.8 Go ahead with message body.]',
  '[4 ABOR=3]',
  '[4 OK 108.0.2.1 Command number 3 killed.]',
  '[3 ERR 99.0.5.23 Transfer failed.]',
];

test('every sample line of the slides parses and formats back to the identical text', () => {
  for (const line of SLIDE_LINES) {
    const frame = parseLine(line);
    assert.notEqual(frame.kind, 'invalid', `${line}: ${JSON.stringify(frame)}`);
    if (frame.kind === 'invalid') continue;
    assert.equal(formatLine(frame), line);
  }
});

test('the slide samples parse into the fields the profile gives them', () => {
  assert.deepEqual(parseLine('[1 OPT (BAZ=FOO;BAR)]'), {
    kind: 'request',
    tag: 1,
    verb: 'OPT',
    params: [],
    options: [{ kind: 'option', name: 'BAZ', values: ['FOO', 'BAR'] }],
    joined: false,
  });
  assert.deepEqual(parseLine('[4 ABOR=3]'), {
    kind: 'request',
    tag: 4,
    verb: 'ABOR',
    params: [{ kind: 'atom', value: '3' }],
    options: [],
    joined: true,
  });
  assert.deepEqual(parseLine('[1 ERR 99.0.5.0 (BAZ ERR 99.0.5.9 Unknown.)]'), {
    kind: 'response',
    tag: 1,
    status: 'ERR',
    code: '99.0.5.0',
    groups: [{ kind: 'result', name: 'BAZ', status: 'ERR', code: '99.0.5.9', text: 'Unknown.' }],
    text: '',
  });
  const greeting = parseLine('[* TMP 99.0.3.1 (VER=0.9;1.0) Hi there.]');
  assert.equal(greeting.kind === 'response' && greeting.tag, '*');
  const xfer = parseLine('[2 XFER m23@test.com message/envelope {3279} {0}]');
  assert.deepEqual(xfer.kind === 'request' && xfer.params, [
    { kind: 'atom', value: 'm23@test.com' },
    { kind: 'atom', value: 'message/envelope' },
    { kind: 'number', value: 3279 },
    { kind: 'number', value: 0 },
  ]);
});

test('verbs are case-insensitive and stored upper case', () => {
  const frame = parseLine('[7 noop]');
  assert.equal(frame.kind === 'request' && frame.verb, 'NOOP');
});
