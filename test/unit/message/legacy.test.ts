import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  encodeHeaders,
  MAX_RFC5322_BYTES,
  MessageError,
  mt2ToRfc5322,
  rfc5322ToMt2,
  type HeaderField,
  type Mt2Headers,
} from '../../../src/message/index.ts';
import { extension, headerField } from './arbitraries.ts';

/** Python's email test corpus (Debian package libpython3.11-testsuite). */
const CORPUS = '/usr/lib/python3.11/test/test_email/data';

const corpusFiles = existsSync(CORPUS)
  ? readdirSync(CORPUS)
      .filter((name) => /^msg_.*\.txt$/.test(name))
      .sort()
  : [];

const crlf = (lines: string[]) => Buffer.from(lines.map((line) => `${line}\r\n`).join(''));

describe('RFC 5322 -> MT2 -> RFC 5322', () => {
  test('the corpus is installed: Python email test messages, at least 47', () => {
    assert.ok(
      existsSync(CORPUS),
      `${CORPUS} is missing: install the Debian package libpython3.11-testsuite (listed in .ci/run)`,
    );
    assert.ok(
      corpusFiles.length >= 47,
      `expected at least 47 messages, found ${corpusFiles.length}`,
    );
  });

  for (const name of corpusFiles) {
    test(`corpus ${name} imports and comes back octet for octet`, () => {
      const octets = readFileSync(join(CORPUS, name));
      const message = rfc5322ToMt2(octets);
      // Through the XML forms too, as the objects travel and are stored.
      const headers = decodeHeaders(encodeHeaders(message.headers));
      assert.deepEqual(decodeEnvelope(encodeEnvelope(message.envelope)), message.envelope);
      assert.deepEqual(Buffer.from(mt2ToRfc5322({ headers, body: message.body })), octets);
    });
  }

  test('a canonical CRLF message keeps no raw octets and maps to structured fields', () => {
    const octets = crlf([
      'From: =?UTF-8?B?SsO2cmc=?= <joerg@example.de>',
      'To: a@example.com, "Doe, J" <j@example.net>, team: x@example.org;',
      'Subject: Hello',
      'Date: Mon, 02 Jan 2006 22:04:05 +0000',
      'Message-ID: <m1@example.de>',
      'X-Mailer: test',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'hi',
    ]);
    const message = rfc5322ToMt2(octets);
    assert.deepEqual(message.headers.fields, [
      { kind: 'from', mailboxes: [{ name: 'Jörg', address: 'joerg@example.de' }] },
      {
        kind: 'to',
        addresses: [
          { address: 'a@example.com' },
          { name: 'Doe, J', address: 'j@example.net' },
          { group: 'team', members: [{ address: 'x@example.org' }] },
        ],
      },
      { kind: 'subject', text: 'Hello' },
      { kind: 'date', date: new Date('2006-01-02T22:04:05Z') },
      { kind: 'messageId', id: 'm1@example.de' },
      { kind: 'legacy', name: 'RFC822.X-Mailer', value: 'test' },
    ]);
    assert.equal(
      Buffer.from(message.body).toString(),
      'Content-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n',
    );
    assert.equal(message.envelope.messageId, 'm1@example.de');
    assert.equal(message.envelope.sender, 'joerg@example.de');
    assert.deepEqual(message.envelope.recipients, [
      'a@example.com',
      'j@example.net',
      'x@example.org',
    ]);
  });

  test('folding, case, odd whitespace, duplicates and LF endings are kept as raw octets', () => {
    const octets = Buffer.from(
      'SUBJECT:  two  spaces\nTo: a@example.com,\n\tb@example.com\nTo: c@example.com\nDate: Mon, 2 Jan 2006 15:04:05 -0700 (MST)\n\nbody\n',
    );
    const message = rfc5322ToMt2(octets);
    assert.deepEqual(
      message.headers.fields.map((field) => [field.kind, 'raw' in field]),
      [
        ['subject', true],
        ['to', true],
        ['to', true],
        ['date', true],
      ],
    );
    const [subject] = message.headers.fields;
    assert.deepEqual(subject?.kind === 'subject' ? subject.text : undefined, 'two  spaces');
    assert.deepEqual(Buffer.from(mt2ToRfc5322(message)), octets);
  });

  test('bytes that are not UTF-8 become a legacy field with its raw octets', () => {
    const octets = Buffer.concat([
      Buffer.from('Subject: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\r\n\r\nx'),
    ]);
    const message = rfc5322ToMt2(octets);
    const [field] = message.headers.fields;
    assert.deepEqual(field, {
      kind: 'legacy',
      name: 'RFC822.Subject',
      value: 'caf\uFFFD',
      raw: new Uint8Array(octets.subarray(0, 15)),
    });
    assert.deepEqual(
      Buffer.from(
        mt2ToRfc5322({
          headers: decodeHeaders(encodeHeaders(message.headers)),
          body: message.body,
        }),
      ),
      octets,
    );
  });

  test('Content-* fields between other fields leave bodyField placeholders', () => {
    const octets = crlf([
      'Content-Type: text/plain',
      'Subject: s',
      'Content-Transfer-Encoding: 7bit',
      'To: a@b.c',
      '',
      'x',
    ]);
    const message = rfc5322ToMt2(octets);
    assert.deepEqual(
      message.headers.fields.map((field) => field.kind),
      ['bodyField', 'subject', 'bodyField', 'to'],
    );
    assert.equal(
      Buffer.from(message.body).toString(),
      'Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\nx\r\n',
    );
    assert.deepEqual(Buffer.from(mt2ToRfc5322(message)), octets);
  });

  test('an mbox From line, a header without a blank line and a headerless message map exactly', () => {
    for (const text of [
      'From someone Mon Jan  1 00:00:00 2001\nSubject: x\n\nbody\n',
      'Subject: x\nnot a header\n',
      'just text\n',
      '',
    ]) {
      const octets = Buffer.from(text);
      assert.deepEqual(
        Buffer.from(mt2ToRfc5322(rfc5322ToMt2(octets))),
        octets,
        JSON.stringify(text),
      );
    }
    assert.equal(
      rfc5322ToMt2(Buffer.from('From a Mon\nSubject: x\n\n')).headers.fields[0]?.kind,
      'unparsed',
    );
  });

  test('a field whose structured value was edited is written canonically, not from stale raw octets', () => {
    const message = rfc5322ToMt2(Buffer.from('Subject:   old\n\nx'));
    const fields: HeaderField[] = message.headers.fields.map((field) =>
      field.kind === 'subject' ? { ...field, text: 'new' } : field,
    );
    assert.equal(
      Buffer.from(
        mt2ToRfc5322({ headers: { fields, extensions: [] }, body: message.body }),
      ).toString(),
      'Subject: new\r\n\nx',
    );
  });

  test('a message over MAX_RFC5322_BYTES is refused', () => {
    assert.throws(
      () => rfc5322ToMt2(new Uint8Array(MAX_RFC5322_BYTES + 1)),
      (error: unknown) => error instanceof MessageError && error.code === 'RFC5322_TOO_LARGE',
    );
  });

  test('more placeholders than body fields is a clear error', () => {
    assert.throws(
      () =>
        mt2ToRfc5322({
          headers: { fields: [{ kind: 'bodyField' }], extensions: [] },
          body: Buffer.from('\r\nx'),
        }),
      (error: unknown) => error instanceof MessageError && error.code === 'RFC5322_MALFORMED',
    );
  });
});

/** Fields an MT2 user writes: no raw octets or legacy-only entries, whole-second dates. */
const nativeField = headerField
  .filter((field) => field.kind !== 'unparsed' && field.kind !== 'bodyField')
  .map((field) => {
    const { raw: _raw, ...rest } = field as HeaderField & { raw?: Uint8Array };
    if (rest.kind === 'date')
      return { ...rest, date: new Date(Math.floor(rest.date.getTime() / 1000) * 1000) };
    return rest as HeaderField;
  })
  .filter(
    (field) =>
      field.kind !== 'legacy' ||
      !/^RFC822\.(from|sender|reply-to|to|cc|bcc|subject|date|message-id|in-reply-to|references|list-.*|content-.*|mt2-extension)$/i.test(
        field.name,
      ),
  );

describe('MT2 -> RFC 5322 -> MT2', () => {
  test('generated headers and extensions come back as equal objects', () => {
    const body = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n');
    fc.assert(
      fc.property(
        fc.array(nativeField, { maxLength: 8 }),
        fc.array(extension, { maxLength: 2 }),
        (fields, extensions) => {
          const headers: Mt2Headers = structuredClone({ fields, extensions });
          const back = rfc5322ToMt2(mt2ToRfc5322({ headers, body }));
          assert.deepEqual(back.headers, headers);
          assert.deepEqual(Buffer.from(back.body), body);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('the SMTP envelope given on import becomes the envelope', () => {
    const octets = crlf(['From: a@example.com', 'To: b@example.net', '', 'x']);
    const message = rfc5322ToMt2(octets, {
      messageId: 'id1@example.com',
      sender: 's@example.com',
      recipients: ['r@example.org'],
    });
    assert.deepEqual(
      [message.envelope.messageId, message.envelope.sender, message.envelope.recipients],
      ['id1@example.com', 's@example.com', ['r@example.org']],
    );
  });
});
