import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeHeaders,
  DEFAULT_XML_LIMITS,
  encodeHeaders,
  MT2_MESSAGE_NAMESPACE,
  previewHeaders,
  summarizeHeaders,
  type HeaderSummary,
} from '../../../src/message/index.ts';
import { headers, plainHeaders } from './arbitraries.ts';

/** What the full decoding summarizes, or undefined when it refuses the document. */
function fullSummary(document: Uint8Array): HeaderSummary | undefined {
  try {
    return summarizeHeaders(decodeHeaders(document));
  } catch {
    return undefined;
  }
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const root = (body: string) =>
  utf8(
    `<?xml version="1.0" encoding="UTF-8"?>\n<headers xmlns="${MT2_MESSAGE_NAMESPACE}">${body}</headers>\n`,
  );

/** Edits that keep most of a document: an octet dropped, one put in, a stretch repeated. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '<',
      '>',
      '/',
      '&',
      '"',
      "'",
      '=',
      ' ',
      '\n',
      '!',
      '?',
      '-',
      'x',
      '\u00a0',
    ),
  }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.nat(40) }),
);

type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(document: Uint8Array, change: Edit): Uint8Array {
  const at = change.at % (document.length + 1);
  const bytes = Buffer.from(document);
  switch (change.kind) {
    case 'drop':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(change.text), bytes.subarray(at)]);
    case 'repeat':
      return Buffer.concat([bytes.subarray(0, at + change.length), bytes.subarray(at)]);
  }
}

describe('previewHeaders', () => {
  test('reads every plain document, and gives what the full decoding summarizes', () => {
    fc.assert(
      fc.property(plainHeaders, (value) => {
        const document = encodeHeaders(value);
        const preview = previewHeaders(document);
        assert.ok(preview !== undefined, Buffer.from(document).toString());
        assert.deepEqual(preview, fullSummary(document));
      }),
      { numRuns: 400 },
    );
  });

  test('on any document, gives either nothing or what the full decoding summarizes', () => {
    let read = 0;
    fc.assert(
      fc.property(headers, (value) => {
        const document = encodeHeaders(value);
        const preview = previewHeaders(document);
        if (preview === undefined) return;
        read++;
        assert.deepEqual(preview, fullSummary(document));
      }),
      { numRuns: 1000 },
    );
    // A few in a hundred generated documents are plain (about 35 of 1,000 expected): the
    // comparison above ran on real previews.
    assert.ok(read > 5, `only ${read} documents previewed`);
  });

  test('on an edited document, never gives what the full decoding would not', () => {
    let read = 0;
    let refusedByBoth = 0;
    fc.assert(
      fc.property(plainHeaders, fc.array(edit, { minLength: 1, maxLength: 3 }), (value, edits) => {
        const document = edits.reduce(applyEdit, encodeHeaders(value));
        const preview = previewHeaders(document);
        const full = fullSummary(document);
        if (preview === undefined) {
          if (full === undefined) refusedByBoth++;
          return;
        }
        read++;
        assert.ok(
          full !== undefined,
          `previewed what the full decoding refuses: ${Buffer.from(document).toString()}`,
        );
        assert.deepEqual(preview, full);
      }),
      { numRuns: 3000 },
    );
    assert.ok(
      read > 100 && refusedByBoth > 100,
      `${read} previewed, ${refusedByBoth} refused by both`,
    );
  });

  test('leaves to the full decoding what is not of the plain form', () => {
    const mailbox = '<from><mailbox address="a@x"/></from>';
    for (const [why, document] of [
      ['a reference', root(`${mailbox}<subject>Q&amp;A</subject>`)],
      ['a comment', root(`${mailbox}<!-- note --><subject>s</subject>`)],
      ['CDATA', root(`${mailbox}<subject><![CDATA[s]]></subject>`)],
      ['raw octets', root(`<from raw="YQ=="><mailbox address="a@x"/></from>`)],
      ['a group', root(`<to><group name="g"><mailbox address="a@x"/></group></to>`)],
      ['a legacy field', root(`<legacy name="RFC822.X-A">v</legacy>`)],
      ['an extension', root(`<extension oid="1.2.3" critical="false"/>`)],
      [
        'another declaration',
        utf8(`<?xml version="1.0"?><headers xmlns="${MT2_MESSAGE_NAMESPACE}"></headers>`),
      ],
      ['a blank in a tag', root(`<subject >s</subject>`)],
      ['an empty element closed apart', root(`<from><mailbox address="a@x"></mailbox></from>`)],
      ['an address before its name', root(`<from><mailbox address="a@x" name="n"/></from>`)],
      ['single quotes', root(`<from><mailbox address='a@x'/></from>`)],
    ] as const) {
      assert.equal(previewHeaders(document), undefined, why);
      assert.ok(fullSummary(document) !== undefined, `${why}: the full decoding reads it`);
    }
  });

  test('gives nothing for what the full decoding refuses', () => {
    for (const [why, document] of [
      ['not UTF-8', Buffer.concat([root('<subject>'), Buffer.from([0xff]), utf8('</subject>')])],
      ['a forbidden character', root('<subject>\u0001</subject>')],
      ['a forbidden character in a name', root('<to><mailbox name="a\u0008" address="a@x"/></to>')],
      ['a forbidden character in an address', root('<from><mailbox address="a\uFFFE@x"/></from>')],
      ['a forbidden character in a list id', root('<references><id>a\u001F@x</id></references>')],
      ['a forbidden character between fields', root('<subject>s</subject>\u000B')],
      ['a bad date', root('<date>yesterday</date>')],
      ['a bad message id', root('<messageId>a b</messageId>')],
      ['a from without mailboxes', root('<from></from>')],
      ['two senders', root('<sender><mailbox address="a@x"/><mailbox address="b@x"/></sender>')],
      ['an address on two lines', root('<to><mailbox address="a\n@x"/></to>')],
      ['a mailbox without address', root('<to><mailbox name="n"/></to>')],
      ['an attribute twice', root('<to><mailbox address="a@x" address="b@x"/></to>')],
      ['attributes without a blank between', root('<to><mailbox name="n"address="a@x"/></to>')],
      ['a < in a name', root('<to><mailbox name="a<b" address="a@x"/></to>')],
      ['an unknown attribute', root('<to><mailbox address="a@x" x="1"/></to>')],
      ['an unknown field', root('<color>red</color>')],
      ['another namespace', utf8('<headers xmlns="urn:other"></headers>')],
      ['text after the root', Buffer.concat([root(''), utf8('x')])],
      ['an unclosed field', utf8(`<headers xmlns="${MT2_MESSAGE_NAMESPACE}"><subject>s</headers>`)],
    ] as const) {
      assert.equal(previewHeaders(document), undefined, why);
      assert.equal(fullSummary(document), undefined, `${why}: the full decoding refuses it too`);
    }
  });

  test('keeps to the limits of the full decoding', () => {
    const ids = Array.from({ length: 6 }, (_, index) => `<id>m${index}@x</id>`).join('');
    const document = root(`<references>${ids}</references>`);
    const limits = { ...DEFAULT_XML_LIMITS, maxElements: 7 };
    assert.ok(previewHeaders(document) !== undefined);
    assert.equal(previewHeaders(document, limits), undefined);
    assert.throws(() => decodeHeaders(document, limits), { code: 'XML_TOO_MANY_ELEMENTS' });
    const long = root(`<to><mailbox address="${'a'.repeat(300)}@x"/></to>`);
    const short = { ...DEFAULT_XML_LIMITS, maxAttributeBytes: 256 };
    assert.equal(previewHeaders(long, short), undefined);
    assert.throws(() => decodeHeaders(long, short), { code: 'XML_ATTRIBUTE_TOO_LONG' });
  });

  test('a typical message is previewed: sender, recipients, subject, date and id', () => {
    const document = encodeHeaders({
      fields: [
        { kind: 'from', mailboxes: [{ name: 'Alice Liddell', address: 'alice@alpha.test' }] },
        { kind: 'to', addresses: [{ address: 'bob@alpha.test' }, { address: 'carol@beta.test' }] },
        { kind: 'cc', addresses: [{ name: 'Dörte', address: 'doerte@beta.test' }] },
        { kind: 'subject', text: 'Lunch on Friday?' },
        { kind: 'date', date: new Date('2026-12-04T12:00:00Z') },
        { kind: 'messageId', id: 'abc@alpha.test' },
        { kind: 'references', ids: ['x@alpha.test'] },
      ],
      extensions: [],
    });
    assert.deepEqual(previewHeaders(document), {
      from: [{ name: 'Alice Liddell', address: 'alice@alpha.test' }],
      to: [{ address: 'bob@alpha.test' }, { address: 'carol@beta.test' }],
      cc: [{ name: 'Dörte', address: 'doerte@beta.test' }],
      subject: 'Lunch on Friday?',
      date: new Date('2026-12-04T12:00:00Z'),
      messageId: 'abc@alpha.test',
    });
  });
});
