import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeEnvelope,
  decodeHeaders,
  encodeEnvelope,
  encodeHeaders,
  MessageError,
  MT2_MESSAGE_NAMESPACE,
  type MessageErrorCode,
  type Mt2Envelope,
} from '../../../src/message/index.ts';
import { envelope, headers } from './arbitraries.ts';

function fault(code: MessageErrorCode, path?: string) {
  return (error: unknown) =>
    error instanceof MessageError &&
    error.code === code &&
    (path === undefined || error.path === path);
}

describe('envelope and headers XML', () => {
  test('generated envelopes survive encode and decode unchanged', () => {
    fc.assert(
      fc.property(envelope, (value) => {
        assert.deepEqual(decodeEnvelope(encodeEnvelope(value)), structuredClone(value));
      }),
      { numRuns: 300 },
    );
  });

  test('generated headers survive encode and decode unchanged', () => {
    fc.assert(
      fc.property(headers, (value) => {
        assert.deepEqual(decodeHeaders(encodeHeaders(value)), structuredClone(value));
      }),
      { numRuns: 300 },
    );
  });

  const minimal: Mt2Envelope = {
    messageId: 'm23@test.com',
    sender: 'alice@example.com',
    recipients: ['bob@example.net'],
    control: false,
    trace: [],
    extensions: [],
  };

  test('an unknown extension is written back byte for byte', () => {
    const document = [
      `<envelope xmlns="${MT2_MESSAGE_NAMESPACE}" id="m1@x">`,
      '<sender>a@x</sender><recipient>b@y</recipient>',
      '<extension oid="1.3.6.1.4.1.99999.7" critical="true">',
      '  <p:stamp xmlns:p="urn:example:postage" bits="20">1:20:260101:b@y::abc:123</p:stamp>\n  note &amp; more',
      '</extension></envelope>',
    ].join('');
    const once = decodeEnvelope(document);
    const again = decodeEnvelope(encodeEnvelope(once));
    assert.deepEqual(again, once);
    assert.equal(once.extensions[0]?.critical, true);
    assert.match(
      Buffer.from(encodeEnvelope(once)).toString(),
      /<p:stamp xmlns:p="urn:example:postage" bits="20">1:20:260101:b@y::abc:123<\/p:stamp>\n {2}note &amp; more<\/extension>/,
    );
  });

  test('a control message from the null sender, with no recipients, round-trips', () => {
    const control = { ...minimal, recipients: [], control: true, sender: '' };
    assert.deepEqual(decodeEnvelope(encodeEnvelope(control)), control);
    assert.match(Buffer.from(encodeEnvelope(control)).toString(), /control="true"/);
  });

  test('base64 wrapped over lines is read as one value', () => {
    const xml = `<envelope xmlns="${MT2_MESSAGE_NAMESPACE}" id="m@x"><sender/><recipient>a@b</recipient><signature>\n  YWJj\n\tZGVm\r\n  YQ==\n</signature></envelope>`;
    assert.equal(Buffer.from(decodeEnvelope(xml).signature ?? []).toString(), 'abcdefa');
  });

  describe('structurally wrong objects are rejected with the path of the fault', () => {
    const env = (inner: string, attributes = 'id="m@x"') =>
      `<envelope xmlns="${MT2_MESSAGE_NAMESPACE}" ${attributes}>${inner}</envelope>`;
    const hdr = (inner: string) => `<headers xmlns="${MT2_MESSAGE_NAMESPACE}">${inner}</headers>`;
    const cases: [string, () => unknown, MessageErrorCode, string][] = [
      ['wrong root', () => decodeEnvelope(hdr('')), 'XML_WRONG_ROOT', '/headers'],
      [
        'wrong namespace',
        () => decodeHeaders('<headers xmlns="urn:other"/>'),
        'XML_WRONG_ROOT',
        '/headers/@xmlns',
      ],
      [
        'missing id',
        () => decodeEnvelope(env('<sender/>', '')),
        'XML_INVALID_STRUCTURE',
        '/envelope',
      ],
      [
        'unknown element',
        () => decodeEnvelope(env('<sender/><bogus/>')),
        'XML_INVALID_STRUCTURE',
        '/envelope/bogus[1]',
      ],
      [
        'bad recipient',
        () => decodeEnvelope(env('<sender/><recipient>x</recipient><recipient>no at</recipient>')),
        'XML_INVALID_STRUCTURE',
        '/envelope/recipient[1]',
      ],
      [
        'two senders',
        () => decodeEnvelope(env('<sender/><sender/><recipient>a@b</recipient>')),
        'XML_INVALID_STRUCTURE',
        '/envelope/sender[2]',
      ],
      [
        'bad base64',
        () => decodeEnvelope(env('<sender/><recipient>a@b</recipient><signature>ab$c</signature>')),
        'XML_INVALID_STRUCTURE',
        '/envelope/signature[1]',
      ],
      ...['ab-_', 'abc=d===', 'ab=c', 'abc', 'AB==', 'ab\u00e9c'].map(
        (text): [string, () => unknown, MessageErrorCode, string] => [
          `base64 '${text}' (URL alphabet, padding, pad bits, length, non-ASCII)`,
          () =>
            decodeEnvelope(
              env(`<sender/><recipient>a@b</recipient><signature>${text}</signature>`),
            ),
          'XML_INVALID_STRUCTURE',
          '/envelope/signature[1]',
        ],
      ),
      [
        'bad trace time',
        () =>
          decodeEnvelope(
            env('<sender/><recipient>a@b</recipient><trace host="h" time="yesterday"/>'),
          ),
        'XML_INVALID_STRUCTURE',
        '/envelope/trace[1]/@time',
      ],
      [
        'bad OID',
        () => decodeEnvelope(env('<sender/><recipient>a@b</recipient><extension oid="1..2"/>')),
        'XML_INVALID_STRUCTURE',
        '/envelope/extension[1]/@oid',
      ],
      [
        'bad critical',
        () =>
          decodeEnvelope(
            env('<sender/><recipient>a@b</recipient><extension oid="1.2" critical="yes"/>'),
          ),
        'XML_INVALID_STRUCTURE',
        '/envelope/extension[1]/@critical',
      ],
      [
        'bad result code',
        () =>
          decodeEnvelope(
            env(
              '<sender/><errorReport message="m"><result recipient="a@b" code="5"/></errorReport>',
              'id="m" control="true"',
            ),
          ),
        'XML_INVALID_STRUCTURE',
        '/envelope/errorReport[1]/result[1]/@code',
      ],
      [
        'text in a list',
        () => decodeHeaders(hdr('<to>stray</to>')),
        'XML_INVALID_STRUCTURE',
        '/headers/to[1]/text()',
      ],
      [
        'mailbox without address',
        () => decodeHeaders(hdr('<to><mailbox name="A"/></to>')),
        'XML_INVALID_STRUCTURE',
        '/headers/to[1]/mailbox[1]',
      ],
      [
        'the second mailbox of the second To, after a group, without address',
        () =>
          decodeHeaders(
            hdr(
              '<to><mailbox address="a@b"/></to><cc><mailbox address="c@d"/></cc>' +
                '<to><group name="G"><mailbox address="e@f"/></group><mailbox address="g@h"/>' +
                '<mailbox name="X"/></to>',
            ),
          ),
        'XML_INVALID_STRUCTURE',
        '/headers/to[2]/mailbox[2]',
      ],
      [
        'unknown attribute',
        () => decodeHeaders(hdr('<subject lang="en">x</subject>')),
        'XML_INVALID_STRUCTURE',
        '/headers/subject[1]/@lang',
      ],
      [
        'bad date',
        () => decodeHeaders(hdr('<date>Mon, 1 Jan 2024</date>')),
        'XML_INVALID_STRUCTURE',
        '/headers/date[1]',
      ],
      [
        'empty from',
        () => decodeHeaders(hdr('<subject/><from/>')),
        'XML_INVALID_STRUCTURE',
        '/headers/from[1]',
      ],
      [
        'two mailboxes in sender',
        () =>
          decodeHeaders(hdr('<sender><mailbox address="a@b"/><mailbox address="c@d"/></sender>')),
        'XML_INVALID_STRUCTURE',
        '/headers/sender[1]',
      ],
      [
        'bad legacy name',
        () => decodeHeaders(hdr('<legacy name="Received">x</legacy>')),
        'XML_INVALID_STRUCTURE',
        '/headers/legacy[1]/@name',
      ],
      [
        'bad message id',
        () => decodeHeaders(hdr('<references><id>a b</id></references>')),
        'XML_INVALID_STRUCTURE',
        '/headers/references[1]/id[1]',
      ],
      [
        'unknown list field',
        () => decodeHeaders(hdr('<list field="List-Foo"/>')),
        'XML_INVALID_STRUCTURE',
        '/headers/list[1]/@field',
      ],
      [
        "the second From mailbox's address with '<'",
        () =>
          decodeHeaders(hdr('<from><mailbox address="a@b"/><mailbox address="x&lt;y"/></from>')),
        'XML_INVALID_STRUCTURE',
        '/headers/from[1]/mailbox[2]/@address',
      ],
      [
        "a group member's address with a line break",
        () =>
          decodeHeaders(
            hdr(
              '<to><mailbox address="a@b"/><group name="G"><mailbox address="c@d"/>' +
                '<mailbox address="e&#10;f"/></group></to>',
            ),
          ),
        'XML_INVALID_STRUCTURE',
        '/headers/to[1]/group[2]/mailbox[2]/@address',
      ],
      [
        'raw octets that are not base64',
        () => decodeHeaders(hdr('<subject raw="ab=c">x</subject>')),
        'XML_INVALID_STRUCTURE',
        '/headers/subject[1]/@raw',
      ],
      [
        'unparsed without raw',
        () => decodeHeaders(hdr('<unparsed/>')),
        'XML_INVALID_STRUCTURE',
        '/headers/unparsed[1]',
      ],
    ];
    for (const [name, run, code, path] of cases) {
      test(name, () => {
        assert.throws(run, fault(code, path));
      });
    }
  });

  test('values XML cannot carry are refused when encoding', () => {
    assert.throws(
      () => encodeHeaders({ fields: [{ kind: 'subject', text: 'bell \u0007' }], extensions: [] }),
      fault('XML_UNENCODABLE', '/headers/subject/text()[1]'),
    );
    assert.throws(
      () =>
        encodeHeaders({ fields: [{ kind: 'date', date: new Date(Number.NaN) }], extensions: [] }),
      fault('XML_UNENCODABLE', '/headers/date[1]'),
    );
    assert.throws(
      () =>
        encodeHeaders({
          fields: [
            { kind: 'to', addresses: [{ address: 'a@b' }] },
            { kind: 'to', addresses: [{ group: 'G', members: [{ address: 'c<d' }] }] },
          ],
          extensions: [],
        }),
      fault('XML_UNENCODABLE', '/headers/to[2]/group[1]/mailbox[1]/@address'),
    );
  });

  test('a bad OID or a bad name in extension content is refused when encoding', () => {
    assert.throws(
      () =>
        encodeEnvelope({ ...minimal, extensions: [{ oid: '1.02', critical: true, content: [] }] }),
      fault('XML_UNENCODABLE', '/envelope/extension[1]/@oid'),
    );
    assert.throws(
      () =>
        encodeHeaders({
          fields: [],
          extensions: [
            {
              oid: '1.2',
              critical: false,
              content: [{ name: 'a b', attributes: {}, children: [] }],
            },
          ],
        }),
      fault('XML_UNENCODABLE', '/headers/extension[1]/a b'),
    );
  });

  test('line breaks and tabs in values survive', () => {
    const value = {
      fields: [
        { kind: 'subject' as const, text: 'a\r\nb\tc\rd' },
        { kind: 'to' as const, addresses: [{ name: 'x\r\ny\t', address: 'a@b' }] },
      ],
      extensions: [],
    };
    assert.deepEqual(decodeHeaders(encodeHeaders(value)), value);
  });
});
