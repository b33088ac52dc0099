// `npm run bench:wire`: codec throughput from memory, 10,000 three-part messages
// (4 KiB body) over TLS 1.3 on loopback, synchronous vs pipelined, and a mailbox sync
// (LIST + PULL of 10,000 headers) next to imapflow fetching the same headers from
// Dovecot in the same run. Prints a table.
import {
  DEFAULT_PACK_BYTES,
  Mt2Decoder,
  RESULT,
  atom,
  connectMt2,
  createMt2Server,
  encodeChunk,
  encodeLine,
  mailboxExtension,
  num,
  option,
  pipeExtension,
  type ClientSession,
  type MailboxEntry,
  type Mt2Request,
  type ServerHooks,
  type TransferExtension,
} from '../src/protocol/index.ts';
import { MemoryMailbox } from '../test/helpers/memory-mailbox.ts';
import { issuedBy, makeThrowawayPki } from '../test/helpers/throwaway-pki.ts';
import { PeerError, startDovecot } from './peers/index.ts';

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
    onHelo: () => ({ accept: true, trusted: true, kind: 'user' }),
    onXfer: () => ({ accept: true }),
    onPartData: () => undefined,
    onPartComplete: (f) => (f.lastOfMessage ? { accept: true, committed: true } : { accept: true }),
    onAbort: () => undefined,
  };
}

/** Runs `work` in a logged-in session over TLS 1.3 on loopback; resolves with its result. */
async function overTls<T>(
  extensions: () => readonly TransferExtension[],
  pipelined: boolean,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  const pki = makeThrowawayPki();
  const server = await createMt2Server({
    identity: { key: pki.server.key, cert: pki.server.cert },
    hooksFor: () => countingHooks(),
    extensionsFor: extensions,
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
    const result = await work(session);
    await session.quit();
    return result;
  } finally {
    await server.close();
  }
}

async function benchTls(pipelined: boolean): Promise<number> {
  return overTls(
    () => [pipeExtension()],
    pipelined,
    async (session) => {
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
      return MESSAGES / seconds(start);
    },
  );
}

/**
 * The header blocks the mailbox sync moves: Dovecot's own (so both rows carry the same
 * octets) and the seconds imapflow took to FETCH them (cached), or generated headers of
 * the same shape and the reason when Dovecot cannot run here.
 */
async function dovecotHeaders(): Promise<{
  headers: Uint8Array[];
  seconds?: number;
  note?: string;
}> {
  try {
    const dovecot = await startDovecot({ count: MESSAGES, bodyBytes: BODY_BYTES });
    try {
      await dovecot.fetchAllHeaders(); // the first fetch builds Dovecot's index
      const cached = await dovecot.fetchAllHeaders();
      if (cached.headers.length !== MESSAGES) throw new Error('Dovecot lost messages');
      return { headers: [...cached.headers], seconds: cached.elapsedMs / 1000 };
    } finally {
      await dovecot.stop();
    }
  } catch (error) {
    if (!(error instanceof PeerError)) throw error;
    const headers = Array.from({ length: MESSAGES }, (_, i) =>
      text.encode(`Message-ID: <m${i}@bench.example>\r\nSubject: Message ${i}\r\n\r\n`),
    );
    return { headers, note: `Dovecot row not measured: ${error.code}: ${error.message}` };
  }
}

/** How the sync pulls: one XFER per part (synchronous or pipelined), or packed and pipelined. */
type PullMode = 'synchronous' | 'pipelined' | 'packed';

/**
 * A first mailbox sync over TLS: LIST every page from cursor 0, then PULL every header
 * (the client's default batches), timed after HELO; messages/s.
 */
async function benchMailboxSync(mode: PullMode, headers: readonly Uint8Array[]): Promise<number> {
  const mailbox = new MemoryMailbox();
  const body = new Uint8Array(BODY_BYTES).fill(0x62);
  headers.forEach((header, i) => {
    mailbox.add(`m${i}@bench.example`, {
      envelope: text.encode(`<envelope n="${i}"/>`),
      headers: header,
      body,
    });
  });
  return overTls(
    () => [pipeExtension(), mailboxExtension(mailbox)],
    mode !== 'synchronous',
    async (session) => {
      const start = process.hrtime.bigint();
      const entries: MailboxEntry[] = [];
      let cursor = 0;
      for (let more = true; more;) {
        const page = await session.list(cursor);
        entries.push(...page.entries);
        ({ cursor, more } = page);
      }
      let octets = 0;
      const pulled = await session.pull(
        'message/headers',
        entries.map((entry) => entry.msgId),
        {
          onPart: (_id, bytes) => {
            octets += bytes.length;
          },
          ...(mode === 'packed' ? { packBytes: DEFAULT_PACK_BYTES } : {}),
        },
      );
      const expected = headers.reduce((sum, header) => sum + header.length, 0);
      if (pulled.delivered !== MESSAGES || octets !== expected) {
        throw new Error(`pulled ${pulled.delivered} headers, ${octets} of ${expected} octets`);
      }
      return MESSAGES / seconds(start);
    },
  );
}

const codec = benchCodec();
const sync = await benchTls(false);
const piped = await benchTls(true);
const peer = await dovecotHeaders();
const syncList = await benchMailboxSync('synchronous', peer.headers);
const pipedList = await benchMailboxSync('pipelined', peer.headers);
const packedList = await benchMailboxSync('packed', peer.headers);
const dovecotRate = peer.seconds === undefined ? undefined : MESSAGES / peer.seconds;
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
  [`MBOX LIST + PULL headers, synchronous, ${MESSAGES}`, `${syncList.toFixed(0)} messages/s`],
  [`MBOX LIST + PULL headers, pipelined,   ${MESSAGES}`, `${pipedList.toFixed(0)} messages/s`],
  [`MBOX LIST + PULL headers, packed,      ${MESSAGES}`, `${packedList.toFixed(0)} messages/s`],
  ['MBOX pipelined / synchronous', `${(pipedList / syncList).toFixed(2)}x`],
  ['MBOX packed / pipelined', `${(packedList / pipedList).toFixed(2)}x`],
  ...(dovecotRate === undefined
    ? []
    : ([
        [
          `imapflow FETCH BODY.PEEK[HEADER] < Dovecot (cached), ${MESSAGES}`,
          `${dovecotRate.toFixed(0)} messages/s`,
        ],
        ['MBOX synchronous / Dovecot', `${(syncList / dovecotRate).toFixed(2)}x`],
        ['MBOX pipelined / Dovecot', `${(pipedList / dovecotRate).toFixed(2)}x`],
        ['MBOX packed / Dovecot', `${(packedList / dovecotRate).toFixed(2)}x`],
      ] satisfies [string, string][])),
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(`${'measure'.padEnd(width)}  result`);
console.log(`${'-'.repeat(width)}  ${'-'.repeat(18)}`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
if (peer.note !== undefined) console.log(peer.note);
