// The messages every peer benchmark sends or stores: deterministic, so that each peer
// (and later mt2d) gets the same 10,000 messages.
import { PeerError } from './errors.ts';

/** Largest body a peer benchmark accepts, in bytes (INN's default maxartsize is 1,000,000). */
export const MAX_BODY_BYTES = 512 * 1024;
/** Smallest body, in bytes: one line of text and its CRLF. */
export const MIN_BODY_BYTES = 16;
/** Largest message count one run accepts. */
export const MAX_MESSAGE_COUNT = 1_000_000;
/** Largest payload (count × body bytes) one run may build in memory or on disk: 1 GiB. */
export const MAX_RUN_PAYLOAD_BYTES = 1024 ** 3;

/** One benchmark message, before it is formatted for a protocol. */
export interface BenchMessage {
  /** Message-ID with its angle brackets, e.g. `<bench.1.k3f9@mt2.test>`. */
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly date: Date;
  /** Plain-text body: ASCII lines of at most 72 characters, each ending in CRLF. */
  readonly body: Buffer;
}

/** Fails with PEER_BAD_OPTION unless `count` is an integer from 1 to MAX_MESSAGE_COUNT. */
function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_MESSAGE_COUNT) {
    throw new PeerError(
      'PEER_BAD_OPTION',
      `message count must be an integer from 1 to ${MAX_MESSAGE_COUNT}, got ${count}`,
    );
  }
}

/** Fails with PEER_BAD_OPTION unless `bodyBytes` is an integer in [MIN_BODY_BYTES, MAX_BODY_BYTES]. */
function checkBodyBytes(bodyBytes: number): void {
  if (!Number.isInteger(bodyBytes) || bodyBytes < MIN_BODY_BYTES || bodyBytes > MAX_BODY_BYTES) {
    throw new PeerError(
      'PEER_BAD_OPTION',
      `body size must be an integer from ${MIN_BODY_BYTES} to ${MAX_BODY_BYTES} bytes, got ${bodyBytes}`,
    );
  }
}

/**
 * Checks a run's size: count and body size (see checkCount, checkBodyBytes) and their
 * product, at most MAX_RUN_PAYLOAD_BYTES; fails with PEER_BAD_OPTION.
 */
export function checkRun(count: number, bodyBytes: number): void {
  checkCount(count);
  checkBodyBytes(bodyBytes);
  if (count * bodyBytes > MAX_RUN_PAYLOAD_BYTES) {
    throw new PeerError(
      'PEER_BAD_OPTION',
      `${count} messages of ${bodyBytes} bytes exceed the ${MAX_RUN_PAYLOAD_BYTES}-byte limit of one run`,
    );
  }
}

const WORDS = (
  'the quarterly figures are attached please review before friday meeting notes ' +
  'transfer server mailbox archive draft budget schedule update thanks regards'
).split(' ');
const LINE_CHARS = 72;

/**
 * A body of exactly `bodyBytes` bytes of English-looking text in CRLF lines of at most
 * 72 characters; `seed` varies the words so that bodies differ between messages.
 */
export function benchBody(bodyBytes: number, seed: number): Buffer {
  checkBodyBytes(bodyBytes);
  const lines: string[] = [];
  let state = (seed * 2654435761 + 1) >>> 0;
  let remaining = bodyBytes;
  while (remaining > 0) {
    // A line and its CRLF take lineChars + 2 bytes; never leave a single byte over.
    const lineChars =
      remaining > LINE_CHARS + 2
        ? remaining - LINE_CHARS - 2 === 1
          ? LINE_CHARS - 1
          : LINE_CHARS
        : remaining - 2;
    let line = '';
    while (line.length < lineChars) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const word = WORDS[state % WORDS.length] ?? 'mail';
      line += line.length === 0 ? word : ` ${word}`;
    }
    lines.push(line.slice(0, lineChars).trimEnd().padEnd(lineChars, '.'));
    remaining -= lineChars + 2;
  }
  return Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1');
}

/**
 * The `index`-th benchmark message (from 0) of a run; `runId` keeps Message-IDs unique
 * across runs.
 */
export function benchMessage(index: number, bodyBytes: number, runId: string): BenchMessage {
  return {
    messageId: `<bench.${index}.${runId}@mt2.test>`,
    from: `Sender ${index % 97} <sender${index % 97}@example.com>`,
    to: 'Bench Reader <reader@example.net>',
    subject: `Benchmark message ${index}: quarterly figures`,
    date: new Date(Date.UTC(2026, 10, 28, 9, 0, 0) + index * 1000),
    body: benchBody(bodyBytes, index),
  };
}

/** A short random run id for Message-IDs, e.g. `k3f9x2`. */
export function newRunId(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** Formats a date as RFC 5322 wants it, in UTC: `Sat, 28 Nov 2026 09:00:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/**
 * The message as RFC 5322 text with CRLF line ends: `leadingFields` (e.g. NNTP's Path and
 * Newsgroups) first, then Received, From, To, Subject, Date, Message-ID, MIME headers and
 * the body. Not dot-stuffed.
 */
export function formatRfc5322(
  message: BenchMessage,
  leadingFields: readonly (readonly [name: string, value: string])[] = [],
): Buffer {
  const fields: (readonly [string, string])[] = [
    ...leadingFields,
    [
      'Received',
      `from client.example.com (client.example.com [192.0.2.10])\r\n\tby mx.example.net with ESMTPS id ${message.messageId.slice(1, message.messageId.indexOf('@'))}\r\n\tfor <reader@example.net>; ${rfc5322Date(message.date)}`,
    ],
    ['From', message.from],
    ['To', message.to],
    ['Subject', message.subject],
    ['Date', rfc5322Date(message.date)],
    ['Message-ID', message.messageId],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=us-ascii; format=flowed'],
    ['Content-Transfer-Encoding', '7bit'],
  ];
  const head = fields.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), message.body]);
}
