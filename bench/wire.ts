// `npm run bench:wire`: codec throughput from memory, and 10,000 three-part messages
// (4 KiB body) over TLS 1.3 on loopback, synchronous vs pipelined. Prints a table.
import {
  Mt2Decoder,
  RESULT,
  atom,
  connectMt2,
  createMt2Server,
  encodeChunk,
  encodeLine,
  num,
  option,
  pipeExtension,
  type Mt2Request,
  type ServerHooks,
} from '../src/protocol/index.ts';
import { issuedBy, makeThrowawayPki } from '../test/helpers/throwaway-pki.ts';

const MESSAGES = 10_000;
const BODY_BYTES = 4096;
const text = new TextEncoder();

function seconds(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e9;
}

/** The frames of `count` three-part messages as one party would send them. */
function messageFrames(count: number): (Mt2Request | { tag: number; data: Uint8Array })[] {
  const frames: (Mt2Request | { tag: number; data: Uint8Array })[] = [];
  const body = new Uint8Array(BODY_BYTES).fill(0x62);
  let tag = 1;
  for (let i = 0; i < count; i++) {
    const id = `m${i}@bench.example`;
    const parts: [string, Uint8Array][] = [
      ['message/envelope', text.encode(`<envelope id="${id}"/>`)],
      ['message/headers', text.encode(`<headers><subject>Message ${i}</subject></headers>`)],
      ['message/body', body],
    ];
    for (const [type, data] of parts) {
      frames.push({
        kind: 'request',
        tag,
        verb: 'XFER',
        params: [atom(id), atom(type), num(data.length), num(0)],
        options: [],
        joined: false,
      });
      frames.push({ tag, data });
      tag++;
    }
  }
  return frames;
}

function encodeAll(frames: ReturnType<typeof messageFrames>): Uint8Array[] {
  return frames.map((f) => ('kind' in f ? encodeLine(f) : encodeChunk(f.tag, f.data)));
}

function benchCodec(): { formatMBs: number; parseMBs: number; octets: number } {
  const frames = messageFrames(MESSAGES);
  encodeAll(frames.slice(0, 3000)); // warm up
  let start = process.hrtime.bigint();
  const encoded = encodeAll(frames);
  const formatSeconds = seconds(start);
  const stream = Buffer.concat(encoded);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += 65536) pieces.push(stream.subarray(at, at + 65536));
  new Mt2Decoder().push(stream.subarray(0, 1 << 20)); // warm up
  start = process.hrtime.bigint();
  const decoder = new Mt2Decoder();
  let count = 0;
  for (const piece of pieces) count += decoder.push(piece).length;
  const parseSeconds = seconds(start);
  if (count !== frames.length) throw new Error(`decoded ${count} of ${frames.length} frames`);
  const mb = stream.length / 1e6;
  return { formatMBs: mb / formatSeconds, parseMBs: mb / parseSeconds, octets: stream.length };
}

/** Storage that keeps nothing: the benchmark measures the protocol, not a disk. */
function countingHooks(): ServerHooks {
  return {
    onHelo: () => ({ accept: true, trusted: true }),
    onXfer: () => ({ accept: true }),
    onPartData: () => undefined,
    onPartComplete: (f) => (f.lastOfMessage ? { accept: true, committed: true } : { accept: true }),
    onAbort: () => undefined,
  };
}

async function benchTls(pipelined: boolean): Promise<number> {
  const pki = makeThrowawayPki();
  const server = await createMt2Server({
    identity: { key: pki.server.key, cert: pki.server.cert },
    hooksFor: () => countingHooks(),
    extensionsFor: () => [pipeExtension()],
  });
  try {
    const { session } = await connectMt2({
      host: '127.0.0.1',
      servername: 'localhost',
      port: server.port,
      identity: { key: pki.alice.key, cert: pki.alice.cert },
      checkServerCertificate: (der) => {
        if (!issuedBy(pki.ca, der)) throw new Error('unexpected server certificate');
      },
      extensions: [pipeExtension()],
    });
    await session.helo(pki.alice.der);
    if (pipelined) {
      const opt = await session.opt([option('PIPE', 'ON')]);
      if (!opt.ok) throw new Error('PIPE refused');
    }
    const body = new Uint8Array(BODY_BYTES).fill(0x62);
    const send = (i: number) =>
      session.transferMessage(`m${i}@bench.example`, {
        envelope: text.encode(`<envelope n="${i}"/>`),
        headers: text.encode(`<headers n="${i}"/>`),
        body,
      });
    const start = process.hrtime.bigint();
    if (pipelined) {
      const results = await Promise.all(Array.from({ length: MESSAGES }, (_, i) => send(i)));
      if (!results.every((r) => r.committed)) throw new Error('a message was not committed');
    } else {
      for (let i = 0; i < MESSAGES; i++) {
        const result = await send(i);
        if (result.code !== RESULT.MESSAGE_COMMITTED)
          throw new Error(`message ${i}: ${result.code}`);
      }
    }
    const rate = MESSAGES / seconds(start);
    await session.quit();
    return rate;
  } finally {
    await server.close();
  }
}

const codec = benchCodec();
const sync = await benchTls(false);
const piped = await benchTls(true);
const rows: [string, string][] = [
  [
    `codec format (${(codec.octets / 1e6).toFixed(1)} MB of XFER lines + chunks)`,
    `${codec.formatMBs.toFixed(0)} MB/s`,
  ],
  ['codec parse (same stream, 64 KiB reads)', `${codec.parseMBs.toFixed(0)} MB/s`],
  [
    `TLS loopback, synchronous, ${MESSAGES} x 3 parts (4 KiB body)`,
    `${sync.toFixed(0)} messages/s`,
  ],
  [
    `TLS loopback, pipelined,   ${MESSAGES} x 3 parts (4 KiB body)`,
    `${piped.toFixed(0)} messages/s`,
  ],
  ['pipelined / synchronous', `${(piped / sync).toFixed(2)}x`],
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(`${'measure'.padEnd(width)}  result`);
console.log(`${'-'.repeat(width)}  ${'-'.repeat(18)}`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
