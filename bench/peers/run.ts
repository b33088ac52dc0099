// Side-by-side figures for the established peers that mt2d is measured against:
// INN2 fed with NNTP streaming (TAKETHIS), postfix's smtp-source into smtp-sink over one
// connection, and imapflow fetching every header from Dovecot.
//
// Run: npm run bench:peers [-- --count 10000 --body-bytes 4096 --only inn2,postfix,dovecot]
// Needs the Debian packages that bench/peers/setup.sh installs (run it as root once).
import { parseArgs } from 'node:util';
import { PeerError, startDovecot, startInn, startSmtpSink } from './index.ts';

const PEERS = ['inn2', 'postfix', 'dovecot'] as const;
type Peer = (typeof PEERS)[number];

/** One line of the table. */
interface Row {
  readonly peer: string;
  readonly work: string;
  readonly messages: number;
  readonly ok: number;
  readonly elapsedMs: number;
  /** Bytes of payload moved: bodies for transfers, header blocks for the IMAP fetch. */
  readonly payloadBytes: number;
}

function options(): { count: number; bodyBytes: number; peers: readonly Peer[] } {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      'body-bytes': { type: 'string', default: '4096' },
      only: { type: 'string', default: PEERS.join(',') },
    },
  });
  const peers = values.only.split(',').map((name) => {
    const peer = PEERS.find((known) => known === name.trim());
    if (peer === undefined)
      throw new PeerError('PEER_BAD_OPTION', `unknown peer "${name}"; known: ${PEERS.join(', ')}`);
    return peer;
  });
  return { count: Number(values.count), bodyBytes: Number(values['body-bytes']), peers };
}

async function benchInn(count: number, bodyBytes: number): Promise<Row[]> {
  const inn = await startInn();
  try {
    const result = await inn.sendArticles({ count, bodyBytes });
    return [
      {
        peer: 'INN2 innd',
        work: 'TAKETHIS stream, 1 conn',
        messages: count,
        ok: result.accepted,
        elapsedMs: result.elapsedMs,
        payloadBytes: count * bodyBytes,
      },
    ];
  } finally {
    await inn.stop();
  }
}

async function benchPostfix(count: number, bodyBytes: number): Promise<Row[]> {
  const sink = await startSmtpSink();
  try {
    const result = await sink.sendMessages({ count, bodyBytes });
    return [
      {
        peer: 'smtp-source > smtp-sink',
        work: 'SMTP, 1 conn (-d)',
        messages: count,
        ok: result.accepted,
        elapsedMs: result.elapsedMs,
        payloadBytes: count * bodyBytes,
      },
    ];
  } finally {
    await sink.stop();
  }
}

async function benchDovecot(count: number, bodyBytes: number): Promise<Row[]> {
  const dovecot = await startDovecot({ count, bodyBytes });
  try {
    const rows: Row[] = [];
    for (const work of ['FETCH HEADER, 1st (uncached)', 'FETCH HEADER, 2nd (cached)']) {
      const result = await dovecot.fetchAllHeaders();
      rows.push({
        peer: 'imapflow < Dovecot',
        work,
        messages: count,
        ok: result.headers.length,
        elapsedMs: result.elapsedMs,
        payloadBytes: result.headerBytes,
      });
    }
    return rows;
  } finally {
    await dovecot.stop();
  }
}

const RUNNERS: Record<Peer, (count: number, bodyBytes: number) => Promise<Row[]>> = {
  inn2: benchInn,
  postfix: benchPostfix,
  dovecot: benchDovecot,
};

function printTable(rows: readonly Row[]): void {
  const header = ['peer', 'work', 'messages', 'ok', 'seconds', 'messages/s', 'MB/s'];
  const lines = rows.map((row) => {
    const seconds = row.elapsedMs / 1000;
    return [
      row.peer,
      row.work,
      String(row.messages),
      String(row.ok),
      seconds.toFixed(3),
      Math.round(row.messages / seconds).toLocaleString('en-US'),
      (row.payloadBytes / 1e6 / seconds).toFixed(1),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log('MB/s: payload (bodies; header blocks for the IMAP fetch), 1 MB = 10^6 bytes.');
}

try {
  const { count, bodyBytes, peers } = options();
  console.log(`bench:peers: ${count} messages, ${bodyBytes}-byte bodies, loopback`);
  const rows: Row[] = [];
  for (const peer of peers) rows.push(...(await RUNNERS[peer](count, bodyBytes)));
  printTable(rows);
  if (rows.some((row) => row.ok !== row.messages)) {
    console.error('bench:peers: a peer did not accept or return every message (see "ok")');
    process.exitCode = 1;
  }
} catch (error) {
  const code = error instanceof PeerError ? ` [${error.code}]` : '';
  console.error(
    `bench:peers failed${code}: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
