// fast-check generators of MT2 objects, shared by the property tests.
import fc from 'fast-check';
import {
  LIST_URI_FIELD_NAMES,
  type AddressEntry,
  type HeaderField,
  type Mailbox,
  type Mt2Envelope,
  type Mt2Extension,
  type Mt2Headers,
  type XmlElement,
  type XmlNode,
} from '../../../src/message/index.ts';

/** Text XML can carry: any Unicode but the characters XML 1.0 forbids. */
export const xmlText = fc
  .string({ unit: 'grapheme', maxLength: 24 })
  // eslint-disable-next-line no-control-regex -- removing the characters XML forbids
  .map((text) => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));

const token = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,11}$/);
const unicodeWord = fc.constantFrom('dörte', 'иван', '用户', 'josé', 'a', 'mail', 'x-y');
export const address = fc
  .tuple(
    fc.oneof(token, unicodeWord),
    fc.oneof(token, fc.constantFrom('bücher.de', 'пример.рф', 'example.com')),
  )
  .map(([local, domain]) => `${local}@${domain}`);

const mailbox: fc.Arbitrary<Mailbox> = fc
  .record({ name: xmlText, address }, { requiredKeys: ['address'] })
  .map((record) => record as Mailbox);
const group = fc.record({ group: xmlText, members: fc.array(mailbox, { maxLength: 3 }) });
const addressEntry: fc.Arbitrary<AddressEntry> = fc.oneof(mailbox, group);
const messageId = fc.tuple(token, token).map(([left, right]) => `${left}@${right}`);
const bytes = fc.uint8Array({ maxLength: 40 });
const withRaw = <T extends object>(arbitrary: fc.Arbitrary<T>) =>
  fc
    .tuple(arbitrary, fc.option(fc.uint8Array({ minLength: 1, maxLength: 30 }), { nil: undefined }))
    .map(([value, raw]) => (raw === undefined ? value : { ...value, raw }));
const date = fc.date({
  min: new Date('1970-01-01T00:00:00Z'),
  max: new Date('2200-01-01T00:00:00Z'),
  noInvalidDate: true,
});

const xmlName = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const xmlTree: fc.Arbitrary<XmlElement> = fc.letrec<{ element: XmlElement }>((tie) => ({
  element: fc.record({
    name: xmlName,
    attributes: fc.dictionary(xmlName, xmlText, { maxKeys: 2 }),
    children: fc.array(
      fc.oneof(
        { maxDepth: 3, depthIdentifier: 'tree' },
        xmlText.filter((text) => text !== ''),
        tie('element'),
      ),
      { maxLength: 3 },
    ),
  }),
})).element;
/** Extension content without adjacent or empty text runs (XML cannot tell them apart). */
const content: fc.Arbitrary<XmlNode[]> = fc
  .array(
    fc.oneof(
      xmlTree,
      xmlText.filter((text) => text !== ''),
    ),
    { maxLength: 3 },
  )
  .map((nodes) =>
    nodes.filter((node, index) => typeof node !== 'string' || typeof nodes[index - 1] !== 'string'),
  )
  .map((nodes) => nodes.map(normalizeTree));

function normalizeTree(node: XmlNode): XmlNode {
  if (typeof node === 'string') return node;
  const children: XmlNode[] = [];
  for (const child of node.children) {
    const last = children.at(-1);
    if (typeof child === 'string' && typeof last === 'string')
      children[children.length - 1] = last + child;
    else children.push(normalizeTree(child));
  }
  return { ...node, children };
}

export const extension: fc.Arbitrary<Mt2Extension> = fc.record({
  oid: fc
    .array(fc.nat({ max: 99_999 }), { minLength: 1, maxLength: 8 })
    .map((arcs) => `1.${arcs.join('.')}`),
  critical: fc.boolean(),
  content,
});

export const headerField: fc.Arbitrary<HeaderField> = fc.oneof(
  withRaw(
    fc.record({
      kind: fc.constant('from' as const),
      mailboxes: fc.array(mailbox, { minLength: 1, maxLength: 3 }),
    }),
  ),
  withRaw(fc.record({ kind: fc.constant('sender' as const), mailbox })),
  withRaw(
    fc.record({
      kind: fc.constantFrom('replyTo' as const, 'to' as const, 'cc' as const, 'bcc' as const),
      addresses: fc.array(addressEntry, { maxLength: 4 }),
    }),
  ),
  withRaw(fc.record({ kind: fc.constant('subject' as const), text: xmlText })),
  withRaw(fc.record({ kind: fc.constant('date' as const), date })),
  withRaw(fc.record({ kind: fc.constant('messageId' as const), id: messageId })),
  withRaw(
    fc.record({
      kind: fc.constantFrom('inReplyTo' as const, 'references' as const),
      ids: fc.array(messageId, { maxLength: 4 }),
    }),
  ),
  withRaw(
    fc.record(
      { kind: fc.constant('listId' as const), id: token, description: xmlText },
      { requiredKeys: ['kind', 'id'] },
    ),
  ),
  withRaw(
    fc.record({
      kind: fc.constant('list' as const),
      field: fc.constantFrom(...LIST_URI_FIELD_NAMES),
      uris: fc.array(
        address.map((mail) => `mailto:${mail}`),
        { maxLength: 3 },
      ),
    }),
  ),
  withRaw(
    fc.record({
      kind: fc.constant('legacy' as const),
      name: fc
        .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)
        .map((name) => `RFC822.${name}` as const),
      value: xmlText.map((text) => text.replace(/[\r\n]/g, ' ')),
    }),
  ),
  fc.record({
    kind: fc.constant('unparsed' as const),
    raw: fc.uint8Array({ minLength: 1, maxLength: 30 }),
  }),
  fc.constant({ kind: 'bodyField' as const }),
);

export const headers: fc.Arbitrary<Mt2Headers> = fc.record({
  fields: fc.array(headerField, { maxLength: 8 }),
  extensions: fc.array(extension, { maxLength: 3 }),
});

export const envelope: fc.Arbitrary<Mt2Envelope> = fc
  .record(
    {
      messageId,
      sender: fc.oneof(address, fc.constant('')),
      recipients: fc.array(address, { minLength: 1, maxLength: 4 }),
      control: fc.boolean(),
      signature: bytes,
      certificate: bytes,
      trace: fc.array(
        fc.record(
          { host: token, time: date, signature: bytes },
          { requiredKeys: ['host', 'time'] },
        ),
        { maxLength: 4 },
      ),
      extensions: fc.array(extension, { maxLength: 3 }),
      errorReport: fc.record({
        messageId,
        results: fc.array(
          fc.record({
            recipient: address,
            code: fc
              .tuple(fc.nat(200), fc.nat(9), fc.nat(9), fc.nat(99))
              .map((arcs) => arcs.join('.')),
            text: xmlText,
          }),
          { maxLength: 3 },
        ),
      }),
    },
    { requiredKeys: ['messageId', 'sender', 'recipients', 'control', 'trace', 'extensions'] },
  )
  .map((value) => value as Mt2Envelope);

/** Text the encoder writes as it is (nothing it escapes), in an attribute or an element. */
const plainText = xmlText.map((text) => text.replace(/[&<>"'\r\n\t]/g, ''));
const plainMailbox: fc.Arbitrary<Mailbox> = fc
  .record({ name: plainText, address }, { requiredKeys: ['address'] })
  .map((record) => record as Mailbox);

/**
 * Headers of the plain form previewHeaders reads: the common fields, no raw octets,
 * groups, extensions or escaped characters.
 */
export const plainHeaders: fc.Arbitrary<Mt2Headers> = fc.record({
  fields: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('from' as const),
        mailboxes: fc.array(plainMailbox, { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('sender' as const), mailbox: plainMailbox }),
      fc.record({
        kind: fc.constantFrom('replyTo' as const, 'to' as const, 'cc' as const, 'bcc' as const),
        addresses: fc.array(plainMailbox, { maxLength: 4 }),
      }),
      fc.record({ kind: fc.constant('subject' as const), text: plainText }),
      fc.record({ kind: fc.constant('date' as const), date }),
      fc.record({ kind: fc.constant('messageId' as const), id: messageId }),
      fc.record({
        kind: fc.constantFrom('inReplyTo' as const, 'references' as const),
        ids: fc.array(messageId, { maxLength: 4 }),
      }),
    ),
    { maxLength: 9 },
  ),
  extensions: fc.constant([]),
});
