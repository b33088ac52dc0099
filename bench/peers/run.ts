// Side-by-side figures for the established peers that mt2d is measured against:
// INN2 fed with NNTP streaming (TAKETHIS), postfix's smtp-source into smtp-sink over one
// connection, and imapflow fetching every header from Dovecot.
//
// Run: npm run bench:peers [-- --count 10000 --body-bytes 4096 --window 100
//        --only inn2,postfix,dovecot]
// Needs the Debian packages that bench/peers/setup.sh installs (run it as root once).
import { parseArgs } from 'node:util';
import {
  DEFAULT_TAKETHIS_WINDOW,
  PeerError,
  checkRun,
  checkWindow,
  formatTable,
  runInn,
  runSmtpSink,
  startDovecot,
} from './index.ts';

const PEERS = ['inn2', 'postfix', 'dovecot'] as const;
type Peer = (typeof PEERS)[number];

/** What one run of the benchmark does. */
interface Settings {
  /** Messages per peer. */
  readonly count: number;
  /** Body size of each message, in bytes. */
  readonly bodyBytes: number;
  /** TAKETHIS commands in flight towards innd. */
  readonly window: number;
  readonly peers: readonly Peer[];
}

/** One line of the table. */
interface Row {
  readonly peer: string;
  readonly work: string;
  readonly messages: number;
  /** Messages accepted (or fetched) by the peer. */
  readonly ok: number;
  readonly elapsedMs: number;
  /** Bytes of payload moved: bodies for transfers, header blocks for the IMAP fetch. */
  readonly payloadBytes: number;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      'body-bytes': { type: 'string', default: '4096' },
      window: { type: 'string', default: String(DEFAULT_TAKETHIS_WINDOW) },
      only: { type: 'string', default: PEERS.join(',') },
    },
  });
  const peers = values.only.split(',').map((name) => {
    const peer = PEERS.find((known) => known === name.trim());
    if (peer === undefined) {
      throw new PeerError('PEER_BAD_OPTION', `unknown peer "${name}"; known: ${PEERS.join(', ')}`);
    }
    return peer;
  });
  const settings = {
    count: Number(values.count),
    bodyBytes: Number(values['body-bytes']),
    window: Number(values.window),
    peers,
  };
  checkRun(settings.count, settings.bodyBytes);
  checkWindow(settings.window);
  return settings;
}

async function benchInn({ count, bodyBytes, window }: Settings): Promise<Row[]> {
  const { ok, elapsedMs } = await runInn({ count, bodyBytes, window });
  const work = `TAKETHIS stream, window ${window}`;
  return [
    { peer: 'INN2 innd', work, messages: count, ok, elapsedMs, payloadBytes: count * bodyBytes },
  ];
}

async function benchPostfix({ count, bodyBytes }: Settings): Promise<Row[]> {
  const { ok, elapsedMs } = await runSmtpSink({ count, bodyBytes });
  const peer = 'smtp-source > smtp-sink';
  const work = 'SMTP, 1 conn (-d)';
  return [{ peer, work, messages: count, ok, elapsedMs, payloadBytes: count * bodyBytes }];
}

async function benchDovecot({ count, bodyBytes }: Settings): Promise<Row[]> {
  const dovecot = await startDovecot({ count, bodyBytes });
  try {
    const rows: Row[] = [];
    for (const work of ['FETCH HEADER, 1st (uncached)', 'FETCH HEADER, 2nd (cached)']) {
      const { headers, elapsedMs, headerBytes } = await dovecot.fetchAllHeaders();
      const peer = 'imapflow < Dovecot';
      rows.push({
        peer,
        work,
        messages: count,
        ok: headers.length,
        elapsedMs,
        payloadBytes: headerBytes,
      });
    }
    return rows;
  } finally {
    await dovecot.stop();
  }
}

const RUNNERS: Record<Peer, (settings: Settings) => Promise<Row[]>> = {
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
  for (const line of formatTable(header, lines, { rule: true })) console.log(line);
  console.log('MB/s: payload (bodies; header blocks for the IMAP fetch), 1 MB = 10^6 bytes.');
}

try {
  const settings = readSettings();
  console.log(
    `bench:peers: ${settings.count} messages, ${settings.bodyBytes}-byte bodies, loopback`,
  );
  const rows: Row[] = [];
  for (const peer of settings.peers) rows.push(...(await RUNNERS[peer](settings)));
  printTable(rows);
  if (rows.some((row) => row.ok !== row.messages)) {
    console.error('bench:peers: a peer did not accept or return every message (see "ok")');
    process.exitCode = 1;
  }
} catch (error) {
  const code = error instanceof PeerError ? ` [${error.code}]` : '';
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`bench:peers failed${code}: ${reason}`);
  process.exitCode = 1;
}
