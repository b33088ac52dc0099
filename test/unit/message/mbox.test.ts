import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageError, splitMbox } from '../../../src/message/index.ts';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

describe('mbox (RFC 4155)', () => {
  test('splits messages at From lines that follow an empty line, and unquotes >From', () => {
    const mbox = Buffer.from(
      [
        'From alice@example.com Mon Jan  1 00:00:00 2001',
        'Subject: one',
        '',
        '>From here on',
        'From within a paragraph is no separator',
        '',
        'From MAILER-DAEMON Tue Jan  2 00:00:00 2001',
        'Subject: two',
        '',
        '>>From twice',
        '',
      ].join('\n'),
    );
    const entries = splitMbox(mbox);
    assert.deepEqual(
      entries.map((entry) => [entry.separatorSender, text(entry.message)]),
      [
        [
          'alice@example.com',
          'Subject: one\n\nFrom here on\nFrom within a paragraph is no separator\n',
        ],
        ['MAILER-DAEMON', 'Subject: two\n\n>From twice\n'],
      ],
    );
    assert.equal(
      text(splitMbox(mbox, { quoting: 'none' })[0]?.message ?? new Uint8Array()).includes(
        '>From here on',
      ),
      true,
    );
  });

  test('CRLF files work and an empty file has no messages', () => {
    const entries = splitMbox(
      Buffer.from('From a@b Mon\r\nSubject: x\r\n\r\nbody\r\n\r\nFrom c@d Tue\r\nSubject: y\r\n'),
    );
    assert.deepEqual(
      entries.map((entry) => text(entry.message)),
      ['Subject: x\r\n\r\nbody\r\n', 'Subject: y\r\n'],
    );
    assert.deepEqual(splitMbox(new Uint8Array()), []);
  });

  test('a file over the size limit is refused; one at the limit is read', () => {
    const mbox = Buffer.from('From a@b Mon\nSubject: x\n\n');
    assert.equal(splitMbox(mbox, { maxBytes: mbox.length }).length, 1);
    assert.throws(
      () => splitMbox(mbox, { maxBytes: mbox.length - 1 }),
      (error: unknown) => error instanceof MessageError && error.code === 'MBOX_MALFORMED',
    );
  });

  test('a file that does not start with a From line is refused', () => {
    assert.throws(
      () => splitMbox(Buffer.from('Subject: x\n\nFrom a@b Mon\n')),
      (error: unknown) => error instanceof MessageError && error.code === 'MBOX_MALFORMED',
    );
  });
});
