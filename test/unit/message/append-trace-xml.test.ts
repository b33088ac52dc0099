import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  appendTraceEntryXml,
  decodeEnvelope,
  encodeEnvelope,
  MessageError,
  type TraceEntry,
} from '../../../src/message/index.ts';
import { envelope } from './arbitraries.ts';

const ENTRY: TraceEntry = {
  host: 'mx.example.com',
  time: new Date('2026-12-03T09:00:00.123Z'),
  signature: Buffer.from('a trace signature \u0000\u00ff'),
};

const ENVELOPE = `<?xml version="1.0" encoding="UTF-8"?>
<envelope xmlns="urn:mt2:message:1" id="m1@example.com">
  <trace host="first.example.com" time="2026-12-03T08:00:00Z"/>
  <sender>alice@example.com</sender>
  <extension oid="1.2.3.4"><!-- kept as it came --><a/></extension>
  <recipient>bob@example.com</recipient>
</envelope>
`;

describe('appendTraceEntryXml: a trace entry spliced into a received envelope', () => {
  test('any encoded envelope decodes as before plus the entry', () => {
    fc.assert(
      fc.property(envelope, (value) => {
        const spliced = appendTraceEntryXml(encodeEnvelope(value), ENTRY);
        assert.ok(spliced !== undefined);
        const expected = { ...structuredClone(value), trace: [...value.trace, ENTRY] };
        assert.deepEqual(decodeEnvelope(spliced), decodeEnvelope(encodeEnvelope(expected)));
      }),
      { numRuns: 200 },
    );
  });

  test('a document in another order keeps its octets; the entry comes after the old one', () => {
    const received = Buffer.from(ENVELOPE);
    const spliced = appendTraceEntryXml(received, ENTRY);
    assert.ok(spliced !== undefined);
    const text = Buffer.from(spliced).toString();
    assert.ok(text.startsWith(ENVELOPE.slice(0, ENVELOPE.indexOf('</envelope>'))));
    const decoded = decodeEnvelope(spliced);
    assert.deepEqual(
      decoded.trace.map((entry) => entry.host),
      ['first.example.com', 'mx.example.com'],
    );
    const added = decoded.trace[1];
    assert.ok(added?.signature !== undefined);
    assert.equal(added.time.getTime(), ENTRY.time.getTime());
    assert.deepEqual(Buffer.from(added.signature), ENTRY.signature);
    assert.deepEqual(decoded.recipients, ['bob@example.com']);
    assert.deepEqual({ ...decoded, trace: decoded.trace.slice(0, 1) }, decodeEnvelope(received));
  });

  test('a document with a comment after its root is left to the encoder', () => {
    const received = Buffer.from(`${ENVELOPE}<!-- </envelope> -->\n`);
    assert.equal(decodeEnvelope(received).sender, 'alice@example.com');
    assert.equal(appendTraceEntryXml(received, ENTRY), undefined);
  });

  test('an entry whose host is not a token is refused like the encoder refuses it', () => {
    assert.throws(
      () => appendTraceEntryXml(Buffer.from(ENVELOPE), { ...ENTRY, host: 'two words' }),
      (error) =>
        error instanceof MessageError &&
        error.code === 'XML_UNENCODABLE' &&
        error.path === '/envelope/trace[last()]/@host',
    );
  });
});
