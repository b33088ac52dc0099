import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildBody } from '../../../../src/message/index.ts';
import { mimeSyntaxProblem } from '../../../../src/server/index.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the MIME syntax filter', () => {
  test('bodies built by src/message (text, html, attachment) pass', async () => {
    const body = await buildBody({
      text: 'Hello',
      html: '<p>Hello</p>',
      attachments: [{ filename: 'a.bin', content: new Uint8Array([1, 2, 3]) }],
    });
    assert.equal(mimeSyntaxProblem(body), undefined);
  });

  test('a body without header fields (blank first line) is plain text', () => {
    assert.equal(mimeSyntaxProblem(bytes('\r\nHello')), undefined);
  });

  const bad: [string, string][] = [
    ['text that is no header field', 'Hello there\r\n\r\nbody'],
    ['an unknown transfer encoding', 'Content-Transfer-Encoding: x-uue\r\n\r\nbody'],
    ['base64 with foreign characters', 'Content-Transfer-Encoding: base64\r\n\r\nab*cd'],
    ['a malformed Content-Type', 'Content-Type: text\r\n\r\nbody'],
    ['a multipart without boundary', 'Content-Type: multipart/mixed\r\n\r\nbody'],
    [
      'a multipart never closed',
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n',
    ],
    ['a multipart without parts', 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n'],
    [
      'a broken part inside a multipart',
      'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nnot a header\r\n\r\nx\r\n--b--\r\n',
    ],
  ];
  for (const [what, text] of bad) {
    test(`refused: ${what}`, () => {
      assert.equal(typeof mimeSyntaxProblem(bytes(text)), 'string');
    });
  }

  test('nesting deeper than the limit is refused, not recursed into without end', () => {
    let text = 'Content-Type: text/plain\r\n\r\nx';
    for (let depth = 0; depth < 40; depth++) {
      text = `Content-Type: multipart/mixed; boundary=b${depth}\r\n\r\n--b${depth}\r\n${text}\r\n--b${depth}--\r\n`;
    }
    assert.match(mimeSyntaxProblem(bytes(text)) ?? '', /deeper/);
  });
});
