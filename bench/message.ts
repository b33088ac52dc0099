// Message-object throughput: headers XML encode and decode, and the RFC 5322 <-> MT2
// mapping over Python's email test corpus. Run: npm run bench:message
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeHeaders,
  encodeHeaders,
  mt2ToRfc5322,
  rfc5322ToMt2,
  type Mt2Headers,
} from '../src/message/index.ts';

const CORPUS = '/usr/lib/python3.11/test/test_email/data';
const RUN_MS = 1500;

/** Calls `work` repeatedly for about RUN_MS after a short warm-up; returns calls per second. */
function measure(work: () => void): number {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) work();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < RUN_MS) {
    work();
    calls += 1;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

const typical: Mt2Headers = {
  fields: [
    { kind: 'from', mailboxes: [{ name: 'Alice Example', address: 'alice@example.com' }] },
    {
      kind: 'to',
      addresses: [{ name: 'Bob', address: 'bob@example.net' }, { address: 'carol@example.org' }],
    },
    { kind: 'subject', text: 'Quarterly report – draft for review' },
    { kind: 'date', date: new Date('2026-11-28T10:00:00Z') },
    { kind: 'messageId', id: 'a1b2c3d4@example.com' },
    { kind: 'inReplyTo', ids: ['z9y8x7@example.net'] },
    { kind: 'references', ids: ['z9y8x7@example.net', 'q1w2e3@example.org'] },
    { kind: 'legacy', name: 'RFC822.X-Mailer', value: 'MT2 client 0.1' },
  ],
  extensions: [{ oid: '1.3.6.1.4.1.99999.2.1', critical: false, content: ['vcard-request'] }],
};
const typicalXml = encodeHeaders(typical);

const corpus = readdirSync(CORPUS)
  .filter((name) => /^msg_.*\.txt$/.test(name))
  .map((name) => readFileSync(join(CORPUS, name)));
const corpusBytes = corpus.reduce((sum, message) => sum + message.byteLength, 0);
const imported = corpus.map((message) => rfc5322ToMt2(message));
const importedXml = imported.map((message) => encodeHeaders(message.headers));

const rows: [string, string][] = [];
const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')} /s`;

rows.push([
  `headers encode (typical, ${typicalXml.byteLength} B)`,
  perSecond(measure(() => encodeHeaders(typical))),
]);
rows.push([
  `headers decode (typical, ${typicalXml.byteLength} B)`,
  perSecond(measure(() => decodeHeaders(typicalXml))),
]);

const corpusEncode = measure(() => {
  for (const message of imported) encodeHeaders(message.headers);
});
rows.push(['headers encode (corpus headers)', perSecond(corpusEncode * imported.length)]);
const corpusDecode = measure(() => {
  for (const xml of importedXml) decodeHeaders(xml);
});
rows.push(['headers decode (corpus headers)', perSecond(corpusDecode * importedXml.length)]);

const toMt2 = measure(() => {
  for (const message of corpus) rfc5322ToMt2(message);
});
rows.push([
  `RFC 5322 -> MT2 (${corpus.length} corpus messages, ${corpusBytes} B)`,
  `${perSecond(toMt2 * corpus.length)} messages, ${((toMt2 * corpusBytes) / 1e6).toFixed(1)} MB/s`,
]);
const toLegacy = measure(() => {
  for (const message of imported) mt2ToRfc5322(message);
});
rows.push([
  'MT2 -> RFC 5322 (same messages)',
  `${perSecond(toLegacy * corpus.length)} messages, ${((toLegacy * corpusBytes) / 1e6).toFixed(1)} MB/s`,
]);

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`bench:message (node ${process.version}, ${RUN_MS} ms per row)`);
for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`);
