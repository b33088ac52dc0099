import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeHeaders,
  rfc5322ToMt2,
  summarizeHeaders,
  unknownCriticalExtensions,
  type HeaderField,
  type Mt2Extension,
} from '../../../src/message/index.ts';

/** The MT2 field one legacy field line maps to, without its raw octets. */
function mapped(line: string): HeaderField | undefined {
  const [field] = rfc5322ToMt2(Buffer.from(`${line}\r\n\r\n`)).headers.fields;
  if (field === undefined || field.kind === 'bodyField' || field.kind === 'unparsed') return field;
  const { raw: _raw, ...rest } = field;
  return rest;
}

describe('legacy field values', () => {
  const cases: [string, HeaderField][] = [
    [
      'To: "Last, First" <a@x.org> (comment), <@route.example:b@y.org>',
      {
        kind: 'to',
        addresses: [{ name: 'Last, First', address: 'a@x.org' }, { address: 'b@y.org' }],
      },
    ],
    [
      'To: undisclosed-recipients:;',
      { kind: 'to', addresses: [{ group: 'undisclosed-recipients', members: [] }] },
    ],
    [
      'Cc: "quoted local"@example.com',
      { kind: 'cc', addresses: [{ address: '"quoted local"@example.com' }] },
    ],
    [
      'From: =?ISO-8859-1?Q?Andr=E9?= =?UTF-8?B?IFBhcsOp?= <andre@example.fr>',
      { kind: 'from', mailboxes: [{ name: 'André Paré', address: 'andre@example.fr' }] },
    ],
    [
      'From: John Q. Public <jqp@example.com>',
      { kind: 'from', mailboxes: [{ name: 'John Q. Public', address: 'jqp@example.com' }] },
    ],
    ['Reply-To: dörte@bücher.de', { kind: 'replyTo', addresses: [{ address: 'dörte@bücher.de' }] }],
    [
      'Sender: Sec <sec@example.com>',
      { kind: 'sender', mailbox: { name: 'Sec', address: 'sec@example.com' } },
    ],
    [
      'Subject: =?utf-8?q?caf=C3=A9?= =?utf-8?q?_au_lait?=',
      { kind: 'subject', text: 'café au lait' },
    ],
    ['Subject: =?x-unknown?q?abc?=', { kind: 'subject', text: '=?x-unknown?q?abc?=' }],
    [
      'Date: Fri, 21 Nov 1997 09:55:06 -0600',
      { kind: 'date', date: new Date('1997-11-21T15:55:06Z') },
    ],
    ['Date: 21 Nov 97 09:55 EST', { kind: 'date', date: new Date('1997-11-21T14:55:00Z') }],
    [
      'Date: Thu, 1 Jan 2004 00:00:00 GMT (comment)',
      { kind: 'date', date: new Date('2004-01-01T00:00:00Z') },
    ],
    ['Message-ID: <abc.123@example.com>', { kind: 'messageId', id: 'abc.123@example.com' }],
    ['References: <a@x> (c) <b@y>', { kind: 'references', ids: ['a@x', 'b@y'] }],
    ['In-Reply-To: <a@x>', { kind: 'inReplyTo', ids: ['a@x'] }],
    [
      'List-Id: "Team list" <team.example.com>',
      { kind: 'listId', id: 'team.example.com', description: 'Team list' },
    ],
    [
      'List-Unsubscribe: <mailto:leave@example.com>, <https://example.com/leave>',
      {
        kind: 'list',
        field: 'List-Unsubscribe',
        uris: ['mailto:leave@example.com', 'https://example.com/leave'],
      },
    ],
    // Values that do not parse as their entity stay legacy fields.
    ['From: foo', { kind: 'legacy', name: 'RFC822.From', value: 'foo' }],
    ['Date: someday', { kind: 'legacy', name: 'RFC822.Date', value: 'someday' }],
    ['List-Post: NO', { kind: 'legacy', name: 'RFC822.List-Post', value: 'NO' }],
    [
      'Message-ID: <a@x> <b@y>',
      { kind: 'legacy', name: 'RFC822.Message-ID', value: '<a@x> <b@y>' },
    ],
    [
      'To: "unterminated <a@x>',
      { kind: 'legacy', name: 'RFC822.To', value: '"unterminated <a@x>' },
    ],
    ['Received: from a by b', { kind: 'legacy', name: 'RFC822.Received', value: 'from a by b' }],
    [
      'Subject: bell \u0007 char',
      { kind: 'legacy', name: 'RFC822.Subject', value: 'bell \uFFFD char' },
    ],
  ];
  for (const [line, expected] of cases) {
    test(line, () => {
      assert.deepEqual(mapped(line), expected);
    });
  }
});

describe('reading headers', () => {
  test('summarizeHeaders picks what a message list shows', () => {
    const headers = rfc5322ToMt2(
      Buffer.from(
        'From: A <a@x.org>\r\nTo: b@y.org\r\nTo: c@y.org\r\nCc: d@y.org\r\nSubject: one\r\nSubject: two\r\nDate: Thu, 01 Jan 2004 00:00:00 +0000\r\nMessage-ID: <m@x>\r\n\r\n',
      ),
    ).headers;
    assert.deepEqual(summarizeHeaders(headers), {
      from: [{ name: 'A', address: 'a@x.org' }],
      to: [{ address: 'b@y.org' }, { address: 'c@y.org' }],
      cc: [{ address: 'd@y.org' }],
      subject: 'one',
      date: new Date('2004-01-01T00:00:00Z'),
      messageId: 'm@x',
    });
    assert.deepEqual(summarizeHeaders({ fields: [], extensions: [] }), {
      from: [],
      to: [],
      cc: [],
    });
  });

  test('a mailbox with text inside is a structural fault', () => {
    assert.throws(
      () =>
        decodeHeaders(
          '<headers xmlns="urn:mt2:message:1"><to><mailbox address="a@b">x</mailbox></to></headers>',
        ),
      (error: unknown) =>
        error instanceof Error &&
        'path' in error &&
        error.path === '/headers/to[1]/mailbox[1]/text()',
    );
  });

  test('unknown critical extensions are found; known and non-critical ones are not', () => {
    const extensions: Mt2Extension[] = [
      { oid: '1.2.3', critical: true, content: [] },
      { oid: '1.2.4', critical: true, content: [] },
      { oid: '1.2.5', critical: false, content: [] },
    ];
    assert.deepEqual(
      unknownCriticalExtensions(extensions, new Set(['1.2.3'])).map((extension) => extension.oid),
      ['1.2.4'],
    );
  });
});
