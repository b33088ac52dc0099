import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bodyText,
  buildBody,
  MAX_BODY_BYTES,
  MAX_HTML_FOR_TEXT,
  MAX_MIME_DEPTH,
  MessageError,
  parseBody,
} from '../../../src/message/index.ts';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const invalid = (error: unknown) => error instanceof MessageError && error.code === 'MIME_INVALID';

const htmlOnly = (html: string) =>
  crlf(['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', html]);

describe('MIME bodies', () => {
  test("a body with only HTML gets the HTML's text, for search and quoting", async () => {
    const parsed = await parseBody(
      htmlOnly(
        '<style>p{color:red}</style><p>Hello <b>world</b> &amp; more</p><p>Second<br>line</p>' +
          '<img src="cid:x" alt="logo"><a href="https://tracker.invalid/">the link</a>',
      ),
    );
    assert.equal(bodyText(parsed), 'Hello world & more\n\nSecond\nline\n\nthe link');
    assert.match(parsed.html ?? '', /^<style>/);
  });

  test('HTML text: only the first MAX_HTML_FOR_TEXT characters, and hostile nesting adds no text past its limit', async () => {
    const paragraph = `<p>${'word '.repeat(50)}</p>`;
    const long = await parseBody(
      htmlOnly(paragraph.repeat((3 * MAX_HTML_FOR_TEXT) / paragraph.length)),
    );
    assert.ok((bodyText(long)?.length ?? 0) > 0);
    assert.ok((bodyText(long)?.length ?? 0) < MAX_HTML_FOR_TEXT);
    const deep = await parseBody(
      htmlOnly(`${'<div>'.repeat(20_000)}deep${'</div>'.repeat(20_000)}`),
    );
    assert.doesNotMatch(bodyText(deep) ?? '', /deep/);
    assert.match(deep.html ?? '', /deep/);
  });

  test('parses charsets, transfer encodings, RFC 2047 file names and inline parts', async () => {
    const body = crlf([
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: multipart/related; boundary="b2"',
      '',
      '--b2',
      'Content-Type: text/html; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<p>caf=E9 <img src=3D"cid:logo@x"></p>',
      '--b2',
      'Content-Type: image/png',
      'Content-ID: <logo@x>',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0K',
      '--b2--',
      '--b1',
      'Content-Type: text/plain; charset=koi8-r',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]).toString('base64'),
      '--b1',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="=?UTF-8?B?UmVjaG51bmcgw7wucGRm?="',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4').toString('base64'),
      '--b1--',
      '',
    ]);
    const parsed = await parseBody(body);
    // postal-mime shows a text part that follows the HTML inside the HTML view as well.
    assert.equal(parsed.html, '<p>café <img src="cid:logo@x"></p>\n\n<div>Привет</div>');
    assert.match(parsed.text ?? '', /Привет/);
    assert.deepEqual(
      parsed.attachments.map((part) => [part.filename, part.mimeType, part.inline, part.contentId]),
      [
        [undefined, 'image/png', true, 'logo@x'],
        ['Rechnung ü.pdf', 'application/pdf', false, undefined],
      ],
    );
    assert.deepEqual(Buffer.from(parsed.attachments[1]?.content ?? []), Buffer.from('%PDF-1.4'));
  });

  test('builds text with an HTML alternative, attachments and an inline image, and reads them back', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const body = await buildBody({
      text: 'Grüße',
      html: '<p>Grüße <img src="cid:pic@mt2"></p>',
      attachments: [
        { filename: 'notes ü.txt', content: Buffer.from('line\r\n'), mimeType: 'text/plain' },
        { filename: 'pic.png', content: png, contentId: 'pic@mt2' },
      ],
    });
    const text = Buffer.from(body).toString('latin1');
    assert.match(text, /^Content-Type: multipart\/mixed;/);
    assert.doesNotMatch(text, /^(Message-ID|Date|MIME-Version):/im);
    const parsed = await parseBody(body);
    assert.equal(parsed.text?.trimEnd(), 'Grüße');
    assert.equal(parsed.html?.trimEnd(), '<p>Grüße <img src="cid:pic@mt2"></p>');
    const byName = new Map(parsed.attachments.map((part) => [part.filename, part]));
    assert.deepEqual(
      Buffer.from(byName.get('notes ü.txt')?.content ?? []),
      Buffer.from('line\r\n'),
    );
    assert.deepEqual(byName.get('pic.png')?.content, png);
    assert.equal(byName.get('pic.png')?.inline, true);
    assert.equal(byName.get('pic.png')?.contentId, 'pic@mt2');
  });

  test('a plain text body needs no header at all', async () => {
    assert.equal((await parseBody(Buffer.from('\r\nhello\r\n'))).text, 'hello\n');
  });

  test('a body over the size limit is refused', async () => {
    await assert.rejects(parseBody(new Uint8Array(MAX_BODY_BYTES + 1)), invalid);
  });

  test('multipart nesting deeper than the limit is refused, shallower is read', async () => {
    assert.match((await parseBody(nested(MAX_MIME_DEPTH - 2))).text ?? '', /deep/);
    await assert.rejects(parseBody(nested(MAX_MIME_DEPTH + 2)), invalid);
  });
});

function nested(depth: number): Buffer {
  const lines: string[] = [];
  for (let level = 0; level < depth; level += 1) {
    lines.push(`Content-Type: multipart/mixed; boundary="b${level}"`, '', `--b${level}`);
  }
  lines.push('Content-Type: text/plain', '', 'deep');
  for (let level = depth - 1; level >= 0; level -= 1) lines.push(`--b${level}--`);
  return crlf(lines);
}
