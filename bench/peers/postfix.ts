// postfix's SMTP test tools as a benchmark peer: smtp-sink (a receiving server that
// accepts and discards) on 127.0.0.1 and a free port, and smtp-source sending to it over
// one connection. No postfix MTA runs.
import { PeerError } from './errors.ts';
import { checkRun } from './messages.ts';
import {
  Daemon,
  freeLoopbackPort,
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
  /** Payload size of each message in bytes (smtp-source `-l`), without its headers. */
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
  /** Runs smtp-source against the sink: `count` messages over one connection. */
  sendMessages(options: SmtpSendOptions): Promise<SmtpSendResult>;
  /** Stops smtp-sink; safe to call twice. */
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
  const sink = new Daemon('smtp-sink', sinkPath, ['-u', 'nobody', '-c', address, '256']);
  try {
    await waitForGreeting(sink, port, '220', options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await sink.stop('SIGKILL');
    throw error;
  }
  let running: Promise<unknown> = Promise.resolve();

  const sendOnce = async ({
    count,
    bodyBytes,
    timeoutMs,
  }: SmtpSendOptions): Promise<SmtpSendResult> => {
    checkRun(count, bodyBytes);
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
        '-l',
        String(bodyBytes),
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
    sendMessages: (sendOptions) => {
      // One run at a time: the counters tell runs apart only when they do not overlap.
      const result = running.then(() => sendOnce(sendOptions));
      running = result.catch(() => undefined);
      return result;
    },
    stop: () => sink.stop('SIGTERM'),
  };
}
