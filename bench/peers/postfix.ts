// postfix's SMTP test tools as a benchmark peer: smtp-sink (a receiving server that
// accepts and discards) on 127.0.0.1 and a free port, and smtp-source sending to it over
// one connection. No postfix MTA runs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PeerError } from './errors.ts';
import { benchMessage, checkRun, formatRfc5322, newRunId } from './messages.ts';
import {
  Daemon,
  freeLoopbackPort,
  makeScratch,
  removeScratch,
  requireExecutables,
  runCommand,
  waitForGreeting,
} from './process.internal.ts';

/** Where Debian's postfix package puts smtp-sink and smtp-source. */
export const DEBIAN_POSTFIX_SBIN_DIR = '/usr/sbin';

/** How to start smtp-sink. */
export interface SmtpSinkOptions {
  /** Folder holding smtp-sink and smtp-source (default DEBIAN_POSTFIX_SBIN_DIR). */
  readonly sbinDir?: string;
  /** How long smtp-sink may take to greet, in milliseconds (default 10,000). */
  readonly startTimeoutMs?: number;
}

/** What one smtp-source run sends. */
export interface SmtpSendOptions {
  /** Number of messages, 1 to MAX_MESSAGE_COUNT. */
  readonly count: number;
  /** Body size of each message in bytes (headers come on top, as for the other peers). */
  readonly bodyBytes: number;
  /** Limit for the whole run, in milliseconds (default 600,000). */
  readonly timeoutMs?: number;
}

/** The outcome of one smtp-source run. */
export interface SmtpSendResult {
  /** Messages smtp-sink counted as received (its `-c` counter), for this run. */
  readonly accepted: number;
  /** Wall time of smtp-source, from start to exit, in milliseconds. */
  readonly elapsedMs: number;
}

/** A running smtp-sink. */
export interface SmtpSink {
  /** Its SMTP port on 127.0.0.1. */
  readonly port: number;
  /** The scratch folder holding the message smtp-source sends. */
  readonly scratchDir: string;
  /**
   * Runs smtp-source against the sink: `count` copies of one benchmark message (the same
   * headers and body as the other peers get) over one connection.
   */
  sendMessages(options: SmtpSendOptions): Promise<SmtpSendResult>;
  /** Stops smtp-sink and removes the scratch folder; safe to call twice. */
  stop(): Promise<void>;
}

/** smtp-sink's `-c` counters, which it rewrites in place with `\r`. */
interface SinkCounters {
  readonly sessions: number;
  readonly messages: number;
}

/** The last complete counter line in smtp-sink's output (zeros before the first). */
export function lastSinkCounters(output: string): SinkCounters {
  const matches = [...output.matchAll(/sess=(\d+) quit=\d+ mesg=(\d+)\r/g)];
  const last = matches.at(-1);
  return { sessions: Number(last?.[1] ?? 0), messages: Number(last?.[2] ?? 0) };
}

/** How long to wait for smtp-sink to count the session that smtp-source just ended. */
const SESSION_END_WAIT_MS = 5000;

/**
 * Starts smtp-sink on a free loopback port (as user nobody once the port is open).
 * Fails with PEER_NOT_INSTALLED if postfix is missing, PEER_START_FAILED or PEER_TIMEOUT
 * if it does not greet.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const sbinDir = options.sbinDir ?? DEBIAN_POSTFIX_SBIN_DIR;
  const sinkPath = `${sbinDir}/smtp-sink`;
  const sourcePath = `${sbinDir}/smtp-source`;
  await requireExecutables([sinkPath, sourcePath]);
  const port = await freeLoopbackPort();
  const address = `127.0.0.1:${port}`;
  // -c: counters on stdout; 256: listen backlog.
  const scratchDir = await makeScratch('mt2-smtp-');
  const sink = new Daemon('smtp-sink', sinkPath, ['-u', 'nobody', '-c', address, '256']);
  const stop = async (): Promise<void> => {
    await sink.stop('SIGTERM');
    await removeScratch(scratchDir);
  };
  try {
    await waitForGreeting(sink, port, '220', options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const runId = newRunId();
  let running: Promise<unknown> = Promise.resolve();

  const sendOnce = async ({
    count,
    bodyBytes,
    timeoutMs,
  }: SmtpSendOptions): Promise<SmtpSendResult> => {
    checkRun(count, bodyBytes);
    // smtp-source -F reads LF lines and sends them with CRLF, dot-stuffed.
    const messageFile = join(scratchDir, 'message.eml');
    const text = formatRfc5322(benchMessage(0, bodyBytes, runId)).toString('latin1');
    await writeFile(messageFile, text.replaceAll('\r\n', '\n'), 'latin1');
    const before = lastSinkCounters(sink.recentOutput);
    const started = performance.now();
    // -d: all messages over one connection; -s 1: one session.
    await runCommand(
      sourcePath,
      [
        '-d',
        '-s',
        '1',
        '-m',
        String(count),
        '-F',
        messageFile,
        '-f',
        'sender@example.com',
        '-t',
        'reader@example.net',
        address,
      ],
      { timeoutMs: timeoutMs ?? 600_000 },
    );
    const elapsedMs = performance.now() - started;
    const deadline = Date.now() + SESSION_END_WAIT_MS;
    let after = lastSinkCounters(sink.recentOutput);
    while (after.sessions <= before.sessions && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = lastSinkCounters(sink.recentOutput);
    }
    if (after.sessions <= before.sessions) {
      throw new PeerError(
        'PEER_TIMEOUT',
        `smtp-sink did not count the session within ${SESSION_END_WAIT_MS} ms`,
      );
    }
    return { accepted: after.messages - before.messages, elapsedMs };
  };

  return {
    port,
    scratchDir,
    sendMessages: (sendOptions) => {
      // One run at a time: the counters tell runs apart only when they do not overlap.
      const result = running.then(() => sendOnce(sendOptions));
      running = result.catch(() => undefined);
      return result;
    },
    stop,
  };
}
