// The peer runs that bench:peers and bench:server both time (INN2 fed with TAKETHIS,
// smtp-source into smtp-sink), and the text table both print their rows in.
import { startInn, type InnFeedOptions } from './inn2.ts';
import { startSmtpSink, type SmtpSendOptions } from './postfix.ts';

/** One timed run against a peer. */
export interface PeerRun {
  /** Messages the peer accepted. */
  readonly ok: number;
  readonly elapsedMs: number;
}

/** Starts a private innd, streams `count` articles to it with TAKETHIS, and stops it. */
export async function runInn(options: InnFeedOptions): Promise<PeerRun> {
  const inn = await startInn();
  try {
    const { accepted: ok, elapsedMs } = await inn.sendArticles(options);
    return { ok, elapsedMs };
  } finally {
    await inn.stop();
  }
}

/** Starts smtp-sink, sends it `count` messages with smtp-source over one connection, and stops it. */
export async function runSmtpSink(options: SmtpSendOptions): Promise<PeerRun> {
  const sink = await startSmtpSink();
  try {
    const { accepted: ok, elapsedMs } = await sink.sendMessages(options);
    return { ok, elapsedMs };
  } finally {
    await sink.stop();
  }
}

/**
 * The lines of a text table: each column as wide as its widest cell, two spaces between
 * columns; the first two (text: peer, work) align left, the figures right. `rule` adds a
 * line of dashes under the header.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  { rule = false }: { readonly rule?: boolean } = {},
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [
    format(header),
    ...(rule ? [widths.map((width) => '-'.repeat(width)).join('  ')] : []),
    ...rows.map(format),
  ];
}
