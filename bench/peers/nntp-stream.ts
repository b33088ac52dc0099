// A small NNTP streaming feeder (RFC 4644): MODE STREAM, then TAKETHIS commands sent
// back to back with up to `window` articles awaiting their 239/439 answers. CHECK is not
// used: every article is offered outright, as a bulk feed between trusted peers does.
import { connect } from 'node:net';
import { PeerError } from './errors.ts';

/** Longest reply line accepted, in bytes with its CRLF (RFC 3977 section 3.1: 512). */
export const MAX_NNTP_REPLY_BYTES = 512;
/** Default number of TAKETHIS commands awaiting an answer at once. */
export const DEFAULT_TAKETHIS_WINDOW = 100;
/** Largest window allowed: it bounds the articles buffered towards the server. */
export const MAX_TAKETHIS_WINDOW = 10_000;
/** Default idle limit: fail if the server sends nothing for this long, in milliseconds. */
export const DEFAULT_NNTP_IDLE_TIMEOUT_MS = 30_000;

/** One article to feed. */
export interface NntpArticle {
  /** The Message-ID, with angle brackets; it must also appear in the article's headers. */
  readonly messageId: string;
  /** Headers, blank line and body with CRLF line ends, not dot-stuffed. */
  readonly text: Buffer;
}

/** Where and how to feed. */
export interface NntpStreamOptions {
  /** Server port on 127.0.0.1. */
  readonly port: number;
  readonly articles: readonly NntpArticle[];
  /** TAKETHIS commands in flight at once (default DEFAULT_TAKETHIS_WINDOW, at least 1). */
  readonly window?: number;
  /** Idle limit in milliseconds (default DEFAULT_NNTP_IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs?: number;
}

/** What the server answered, and how long the feed took. */
export interface NntpStreamResult {
  /** Articles answered 239 (transferred OK). */
  readonly accepted: number;
  /** Articles answered 439 (rejected, e.g. already seen). */
  readonly rejected: number;
  /** Article bytes sent, after dot-stuffing and with the terminating line. */
  readonly bytesSent: number;
  /** From the connection attempt to the last answer, in milliseconds. */
  readonly elapsedMs: number;
}

/** A message-id as RFC 5536 allows it on an NNTP command line: `<...@...>`, no spaces. */
const MESSAGE_ID = /^<[\x21-\x3d\x3f-\x7e]+@[\x21-\x3d\x3f-\x7e]+>$/;
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');

/**
 * Dot-stuffs an article (RFC 3977 section 3.1.1): doubles the dot that starts a line and
 * appends the terminating `.` line. `text` must end with CRLF or be empty.
 */
export function encodeMultiLine(text: Buffer): Buffer {
  const parts: Buffer[] = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    const lineEnd = text.indexOf(CRLF, lineStart);
    const end = lineEnd < 0 ? text.length : lineEnd + 2;
    if (text[lineStart] === 0x2e) parts.push(Buffer.from('.'));
    parts.push(text.subarray(lineStart, end));
    lineStart = end;
  }
  if (text.length > 0 && !text.subarray(-2).equals(CRLF)) parts.push(CRLF);
  parts.push(TERMINATOR);
  return Buffer.concat(parts);
}

/** Splits CRLF-terminated reply lines out of the bytes as they arrive, bounded in length. */
class ReplyLines {
  private pending: Buffer = Buffer.alloc(0);

  /** Appends `chunk`; returns the complete lines, without their CRLF. */
  push(chunk: Buffer): string[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    for (;;) {
      const end = this.pending.indexOf(0x0a);
      const lineBytes = end < 0 ? this.pending.length : end + 1;
      if (lineBytes > MAX_NNTP_REPLY_BYTES) {
        throw new PeerError(
          'PEER_LINE_TOO_LONG',
          `NNTP reply line longer than ${MAX_NNTP_REPLY_BYTES} bytes`,
        );
      }
      if (end < 0) return lines;
      lines.push(this.pending.subarray(0, end).toString('latin1').replace(/\r$/, ''));
      this.pending = this.pending.subarray(end + 1);
    }
  }
}

/** Fails with PEER_BAD_OPTION unless `window` is an integer from 1 to MAX_TAKETHIS_WINDOW. */
export function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < 1 || window > MAX_TAKETHIS_WINDOW) {
    throw new PeerError(
      'PEER_BAD_OPTION',
      `TAKETHIS window must be an integer from 1 to ${MAX_TAKETHIS_WINDOW}, got ${window}`,
    );
  }
}

function checkOptions(options: NntpStreamOptions): void {
  checkWindow(options.window ?? DEFAULT_TAKETHIS_WINDOW);
  const seen = new Set<string>();
  for (const article of options.articles) {
    if (!MESSAGE_ID.test(article.messageId)) {
      throw new PeerError(
        'PEER_BAD_OPTION',
        `not a valid message-id: ${JSON.stringify(article.messageId)}`,
      );
    }
    if (seen.has(article.messageId)) {
      throw new PeerError(
        'PEER_BAD_OPTION',
        `message-id offered twice in one feed: ${article.messageId}`,
      );
    }
    seen.add(article.messageId);
  }
}

/** The feed's progress through one connection. */
type Phase = 'greeting' | 'mode-stream' | 'streaming' | 'quitting';

/**
 * The answers each phase allows: the greeting (200 or 201), MODE STREAM's 203, TAKETHIS's
 * 239 (transferred) or 439 (rejected) naming an article in flight, QUIT's 205.
 */
const EXPECTED_STATUS: Readonly<Record<Phase, readonly string[]>> = {
  greeting: ['200', '201'],
  'mode-stream': ['203'],
  streaming: ['239', '439'],
  quitting: ['205'],
};

/**
 * Feeds `articles` to the NNTP server on 127.0.0.1:`port` in streaming mode and resolves
 * when every article has its answer. Fails with a PeerError: PEER_BAD_OPTION for a bad
 * message-id or window, PEER_UNEXPECTED_REPLY if the server refuses streaming or answers
 * anything but 239/439 for an article in flight, PEER_LINE_TOO_LONG, PEER_TIMEOUT when the
 * server stays silent past the idle limit, PEER_CONNECTION_CLOSED if it hangs up early.
 */
export async function streamArticles(options: NntpStreamOptions): Promise<NntpStreamResult> {
  checkOptions(options);
  const window = options.window ?? DEFAULT_TAKETHIS_WINDOW;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_NNTP_IDLE_TIMEOUT_MS;
  const articles = options.articles;
  const started = performance.now();
  const socket = connect({ host: '127.0.0.1', port: options.port, noDelay: true });

  return new Promise<NntpStreamResult>((resolve, reject) => {
    const lines = new ReplyLines();
    const inFlight = new Set<string>();
    let phase: Phase = 'greeting';
    let next = 0;
    let accepted = 0;
    let rejected = 0;
    let bytesSent = 0;
    let elapsedMs = 0;
    let settled = false;

    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    const unexpected = (line: string): void => {
      fail(new PeerError('PEER_UNEXPECTED_REPLY', `NNTP server answered "${line}" while ${phase}`));
    };
    const fillWindow = (): void => {
      while (inFlight.size < window && next < articles.length) {
        const article = articles[next++];
        if (article === undefined) break;
        const payload = encodeMultiLine(article.text);
        inFlight.add(article.messageId);
        socket.write(`TAKETHIS ${article.messageId}\r\n`);
        socket.write(payload);
        bytesSent += payload.length;
      }
    };
    const finishIfDone = (): void => {
      if (next < articles.length || inFlight.size > 0) return;
      elapsedMs = performance.now() - started;
      phase = 'quitting';
      socket.write('QUIT\r\n');
    };
    const onLine = (line: string): void => {
      const status = line.slice(0, 3);
      const answersArticle = phase === 'streaming' && inFlight.delete(line.split(' ')[1] ?? '');
      if (!EXPECTED_STATUS[phase].includes(status) || (phase === 'streaming' && !answersArticle)) {
        unexpected(line);
        return;
      }
      switch (phase) {
        case 'greeting':
          phase = 'mode-stream';
          socket.write('MODE STREAM\r\n');
          break;
        case 'mode-stream':
          phase = 'streaming';
          fillWindow();
          finishIfDone();
          break;
        case 'streaming':
          if (status === '239') accepted += 1;
          else rejected += 1;
          fillWindow();
          finishIfDone();
          break;
        case 'quitting':
          settled = true;
          socket.end();
          resolve({ accepted, rejected, bytesSent, elapsedMs });
          break;
      }
    };

    socket.setTimeout(idleTimeoutMs, () => {
      fail(
        new PeerError(
          'PEER_TIMEOUT',
          `NNTP server sent nothing for ${idleTimeoutMs} ms while ${phase} (${inFlight.size} answers due)`,
        ),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const line of lines.push(chunk)) {
          if (settled) return;
          onLine(line);
        }
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.once('error', (error) => {
      fail(
        new PeerError('PEER_CONNECTION_CLOSED', `NNTP connection failed: ${error.message}`, {
          cause: error,
        }),
      );
    });
    socket.once('close', () => {
      fail(
        new PeerError(
          'PEER_CONNECTION_CLOSED',
          `NNTP server closed the connection while ${phase} (${inFlight.size} answers due)`,
        ),
      );
    });
  });
}
