// The benchmark peers at a small scale: real innd, smtp-sink/smtp-source and Dovecot on
// loopback (installed by bench/peers/setup.sh), plus our NNTP streaming client against
// scripted hostile servers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  BENCH_IMAP_USER,
  MAX_BODY_BYTES,
  MAX_MESSAGE_COUNT,
  MAX_RUN_PAYLOAD_BYTES,
  MAX_NNTP_REPLY_BYTES,
  MAX_TAKETHIS_WINDOW,
  MIN_BODY_BYTES,
  PeerError,
  benchBody,
  benchMessage,
  checkRun,
  encodeMultiLine,
  formatRfc5322,
  lastSinkCounters,
  privateInnConf,
  startDovecot,
  startImapFetchProcess,
  startInn,
  startSmtpSink,
  streamArticles,
  type DovecotServer,
  type InnServer,
  type NntpArticle,
  type PeerErrorCode,
  type SmtpSink,
} from '../../bench/peers/index.ts';

const SMALL = 50;
const BODY = 4096;

/** Asserts that `promise` rejects with a PeerError carrying `code`. */
async function rejectsWith(promise: Promise<unknown>, code: PeerErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PeerError, `expected a PeerError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** The peers' scratch folders now in os.tmpdir(). */
function scratchFolders(): string[] {
  return readdirSync(tmpdir()).filter((name) => /^mt2-(inn|dovecot|smtp)-/.test(name));
}

/** True if something accepts TCP connections on 127.0.0.1:`port`. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** An article for `streamArticles`, with the headers innd requires. */
function article(messageId: string, body: string): NntpArticle {
  const message = { ...benchMessage(0, MIN_BODY_BYTES, 'x'), messageId, body: Buffer.from(body) };
  return {
    messageId,
    text: formatRfc5322(message, [
      ['Path', 'test-feeder!not-for-mail'],
      ['Newsgroups', 'mt2.bench'],
    ]),
  };
}

describe('INN2 peer (innd, TAKETHIS streaming)', () => {
  let inn: InnServer | undefined;
  const server = (): InnServer => {
    assert.ok(inn !== undefined, 'innd did not start');
    return inn;
  };
  before(async () => {
    inn = await startInn();
  });
  after(async () => {
    await inn?.stop();
  });

  test('accepts every article of a streamed feed and stores each one', async () => {
    const result = await server().sendArticles({ count: SMALL, bodyBytes: BODY });
    assert.equal(result.accepted, SMALL);
    assert.equal(result.rejected, 0);
    assert.ok(result.bytesSent > SMALL * BODY);
    const stored = readdirSync(`${server().scratchDir}/spool/articles/mt2/bench`);
    assert.equal(stored.length, SMALL);
  });

  test('answers 439 for articles it already has', async () => {
    const articles = [1, 2, 3].map((n) => article(`<dup.${n}@mt2.test>`, `Body ${n}\r\n`));
    const first = await server().sendPrepared(articles);
    assert.deepEqual([first.accepted, first.rejected], [3, 0]);
    const again = await server().sendPrepared(articles, 1);
    assert.deepEqual([again.accepted, again.rejected], [0, 3]);
  });

  test('dot-stuffs body lines that start with a dot and stays in step', async () => {
    const tricky = article('<dots@mt2.test>', '.\r\n.hidden\r\n..two\r\nend\r\n');
    const plain = article('<after-dots@mt2.test>', 'plain\r\n');
    const result = await server().sendPrepared([tricky, plain]);
    assert.deepEqual([result.accepted, result.rejected], [2, 0]);
  });

  test('refuses a bad count or body size before sending', async () => {
    await rejectsWith(server().sendArticles({ count: 0, bodyBytes: BODY }), 'PEER_BAD_OPTION');
    await rejectsWith(server().sendArticles({ count: 2.5, bodyBytes: BODY }), 'PEER_BAD_OPTION');
    await rejectsWith(
      server().sendArticles({ count: 1, bodyBytes: MAX_BODY_BYTES + 1 }),
      'PEER_BAD_OPTION',
    );
  });

  test('stop ends innd and removes its scratch folder', async () => {
    const { port, scratchDir } = server();
    await server().stop();
    assert.equal(existsSync(scratchDir), false);
    assert.equal(await portOpen(port), false);
  });
});

describe('postfix peer (smtp-source into smtp-sink)', () => {
  let sink: SmtpSink | undefined;
  const server = (): SmtpSink => {
    assert.ok(sink !== undefined, 'smtp-sink did not start');
    return sink;
  };
  before(async () => {
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink?.stop();
  });

  test('smtp-sink counts every message smtp-source sends, run by run', async () => {
    const first = await server().sendMessages({ count: SMALL, bodyBytes: BODY });
    assert.equal(first.accepted, SMALL);
    const second = await server().sendMessages({ count: 7, bodyBytes: BODY });
    assert.equal(second.accepted, 7);
  });

  test('refuses a bad count or body size', async () => {
    await rejectsWith(server().sendMessages({ count: -1, bodyBytes: BODY }), 'PEER_BAD_OPTION');
    await rejectsWith(
      server().sendMessages({ count: MAX_MESSAGE_COUNT + 1, bodyBytes: BODY }),
      'PEER_BAD_OPTION',
    );
    await rejectsWith(
      server().sendMessages({ count: 1, bodyBytes: MIN_BODY_BYTES - 1 }),
      'PEER_BAD_OPTION',
    );
  });

  test('stop ends smtp-sink and removes its scratch folder', async () => {
    const { port, scratchDir } = server();
    await server().stop();
    assert.equal(existsSync(scratchDir), false);
    assert.equal(await portOpen(port), false);
  });
});

describe('Dovecot peer (imapflow FETCH BODY.PEEK[HEADER])', () => {
  let dovecot: DovecotServer | undefined;
  const server = (): DovecotServer => {
    assert.ok(dovecot !== undefined, 'Dovecot did not start');
    return dovecot;
  };
  before(async () => {
    dovecot = await startDovecot({ count: SMALL, bodyBytes: BODY });
  });
  after(async () => {
    await dovecot?.stop();
  });

  test('fetches the header of every stored message, in order', async () => {
    const result = await server().fetchAllHeaders();
    assert.equal(result.headers.length, SMALL);
    const ids = result.headers.map(
      (header) => /^Message-ID: (.*)\r\n/m.exec(header.toString())?.[1],
    );
    assert.deepEqual(ids, server().messageIds);
    for (const header of result.headers) {
      assert.ok(header.toString().endsWith('\r\n\r\n'), 'a header block ends with a blank line');
      assert.ok(!header.includes('quarterly figures are attached'), 'no body in a header fetch');
    }
    assert.equal(
      result.headerBytes,
      result.headers.reduce((sum, header) => sum + header.length, 0),
    );
  });

  test('a second fetch returns the same headers', async () => {
    const first = await server().fetchAllHeaders();
    const second = await server().fetchAllHeaders();
    assert.deepEqual(second.headers, first.headers);
  });

  test('dropIndex deletes the index a fetch built, keeps the mail, and the next fetch builds it again', async () => {
    const first = await server().fetchAllHeaders();
    const maildir = join(server().scratchDir, 'mail', BENCH_IMAP_USER);
    const mail = readdirSync(join(maildir, 'cur')).sort();
    const dropped = await server().dropIndex();
    // A small mailbox's index is its log alone; a big one's has dovecot.index and .cache too.
    const built = ['dovecot-uidlist', 'dovecot.index.log'];
    assert.ok(
      built.every((name) => dropped.includes(name)),
      `dropped: ${dropped.join(', ')}`,
    );
    assert.deepEqual(
      readdirSync(maildir).filter((name) => name.startsWith('dovecot')),
      [],
      'no index left',
    );
    assert.deepEqual(readdirSync(join(maildir, 'cur')).sort(), mail);
    const again = await server().fetchAllHeaders();
    assert.deepEqual(again.headers, first.headers);
    const rebuilt = await server().dropIndex();
    assert.ok(
      built.every((name) => rebuilt.includes(name)),
      'built again',
    );
  });

  test('over IMAPS the same headers come encrypted; the plain port stays plain', async () => {
    const plain = await server().fetchAllHeaders();
    const overTls = await server().fetchAllHeaders({ tls: true });
    assert.equal(plain.encrypted, false, 'no STARTTLS on the port without TLS');
    assert.equal(overTls.encrypted, true);
    assert.deepEqual(overTls.headers, plain.headers);
  });

  test('imapflow in a process of its own fetches the same headers, over TLS when asked; a fetch after stop is refused', async () => {
    const here = await server().fetchAllHeaders();
    const child = await startImapFetchProcess(server());
    try {
      const plain = await child.fetchAllHeaders();
      const overTls = await child.fetchAllHeaders({ tls: true });
      for (const fetched of [plain, overTls]) {
        assert.equal(fetched.headerCount, SMALL);
        assert.equal(fetched.headerBytes, here.headerBytes);
        assert.ok(fetched.sessionMs >= fetched.elapsedMs && fetched.elapsedMs > 0);
      }
      assert.deepEqual([plain.encrypted, overTls.encrypted], [false, true]);
    } finally {
      await child.stop();
    }
    await assert.rejects(child.fetchAllHeaders(), /the imapflow process ended/);
  });

  test('stop ends Dovecot and removes its scratch folder', async () => {
    const { port, scratchDir } = server();
    await server().stop();
    assert.equal(existsSync(scratchDir), false);
    assert.equal(await portOpen(port), false);
  });
});

describe('starting a peer that is not there, or with bad options', () => {
  test('a missing program is PEER_NOT_INSTALLED', async () => {
    await rejectsWith(startInn({ binDir: '/nonexistent/news/bin' }), 'PEER_NOT_INSTALLED');
    await rejectsWith(startSmtpSink({ sbinDir: '/nonexistent/sbin' }), 'PEER_NOT_INSTALLED');
    await rejectsWith(
      startDovecot({ count: 1, bodyBytes: BODY, binary: '/nonexistent/dovecot' }),
      'PEER_NOT_INSTALLED',
    );
  });

  test('a peer that exits at start is PEER_START_FAILED and leaves no scratch folder', async () => {
    const fakes = mkdtempSync(join(tmpdir(), 'mt2-fake-bin-'));
    chmodSync(fakes, 0o755); // makedbz runs as user news
    try {
      symlinkSync('/bin/false', join(fakes, 'innd'));
      symlinkSync('/bin/false', join(fakes, 'smtp-sink'));
      for (const real of ['/usr/lib/news/bin/ctlinnd', '/usr/lib/news/bin/makedbz']) {
        symlinkSync(real, join(fakes, basename(real)));
      }
      symlinkSync('/usr/sbin/smtp-source', join(fakes, 'smtp-source'));
      const before = scratchFolders();
      await rejectsWith(startInn({ binDir: fakes }), 'PEER_START_FAILED');
      await rejectsWith(startSmtpSink({ sbinDir: fakes }), 'PEER_START_FAILED');
      await rejectsWith(
        startDovecot({ count: 3, bodyBytes: BODY, binary: '/bin/false' }),
        'PEER_START_FAILED',
      );
      assert.deepEqual(scratchFolders(), before);
    } finally {
      rmSync(fakes, { recursive: true, force: true });
    }
  });

  test('a temp folder the peers cannot enter is PEER_START_FAILED', async () => {
    const closed = mkdtempSync(join(tmpdir(), 'mt2-closed-')); // mode 0700
    const savedTmpdir = process.env['TMPDIR'];
    process.env['TMPDIR'] = closed;
    try {
      await rejectsWith(startDovecot({ count: 1, bodyBytes: BODY }), 'PEER_START_FAILED');
      await rejectsWith(startInn(), 'PEER_START_FAILED');
      assert.deepEqual(readdirSync(closed), []);
    } finally {
      if (savedTmpdir === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmpdir;
      rmSync(closed, { recursive: true, force: true });
    }
  });

  test('Dovecot refuses a bad count or body size', async () => {
    await rejectsWith(startDovecot({ count: 0, bodyBytes: BODY }), 'PEER_BAD_OPTION');
    await rejectsWith(startDovecot({ count: 1, bodyBytes: 3.5 }), 'PEER_BAD_OPTION');
    const tooMuch = Math.floor(MAX_RUN_PAYLOAD_BYTES / BODY) + 1;
    await rejectsWith(startDovecot({ count: tooMuch, bodyBytes: BODY }), 'PEER_BAD_OPTION');
  });
});

describe('benchmark messages', () => {
  test('a body has exactly the asked size, in CRLF lines of at most 72 characters', () => {
    for (const size of [MIN_BODY_BYTES, 17, 75, 76, 77, 150, 151, 4096, MAX_BODY_BYTES]) {
      const body = benchBody(size, size);
      assert.equal(body.length, size, `size ${size}`);
      const text = body.toString('latin1');
      assert.ok(text.endsWith('\r\n'));
      for (const line of text.slice(0, -2).split('\r\n')) {
        assert.ok(line.length <= 72, `line of ${line.length} characters`);
        assert.ok(!line.startsWith('.'));
        assert.ok(!line.includes('\n') && !line.includes('\r'));
      }
    }
  });

  test('a run may hold up to MAX_RUN_PAYLOAD_BYTES of bodies, not one message more', () => {
    const atLimit = MAX_RUN_PAYLOAD_BYTES / BODY;
    assert.doesNotThrow(() => {
      checkRun(atLimit, BODY);
    });
    assert.throws(
      () => {
        checkRun(atLimit + 1, BODY);
      },
      (error: unknown) => error instanceof PeerError && error.code === 'PEER_BAD_OPTION',
    );
  });

  test('sizes outside the limits are refused', () => {
    for (const size of [MIN_BODY_BYTES - 1, MAX_BODY_BYTES + 1, Number.NaN, 100.5]) {
      assert.throws(
        () => benchBody(size, 0),
        (error: unknown) => error instanceof PeerError && error.code === 'PEER_BAD_OPTION',
      );
    }
  });

  test('messages are deterministic apart from the run id, and differ from each other', () => {
    const one = formatRfc5322(benchMessage(3, BODY, 'run1'));
    assert.deepEqual(formatRfc5322(benchMessage(3, BODY, 'run1')), one);
    assert.notDeepEqual(benchMessage(4, BODY, 'run1').body, benchMessage(3, BODY, 'run1').body);
    assert.match(one.toString(), /\r\nMessage-ID: <bench\.3\.run1@mt2\.test>\r\n/);
  });
});

describe('private configuration helpers', () => {
  test('privateInnConf replaces settings, appends missing ones and drops bindaddress6', () => {
    const base = 'port: 119\n#pathdb: /x\nbindaddress6: "::1"\norganization: "A site"\n';
    const conf = privateInnConf(base, { port: '4119', pathdb: '/scratch/db' });
    assert.equal(conf, 'port: 4119\n#pathdb: /x\norganization: "A site"\n\npathdb: /scratch/db\n');
  });

  test('lastSinkCounters reads the last complete counter line', () => {
    const output = 'sess=0 quit=0 mesg=1\rsess=1 quit=1 mesg=2\rsess=1 quit=1 mesg=3';
    assert.deepEqual(lastSinkCounters(output), { sessions: 1, messages: 2 });
    assert.deepEqual(lastSinkCounters(''), { sessions: 0, messages: 0 });
  });
});

/** A scripted NNTP server: `script` answers each line the client sends, outside articles. */
async function scriptedNntp(
  greeting: string,
  script: (line: string, socket: Socket) => void,
): Promise<{ port: number; received: () => string; close: () => Promise<void> }> {
  let received = '';
  const server: Server = createServer((socket) => {
    let pending = '';
    let inArticle = false;
    socket.write(greeting);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      pending += chunk.toString('latin1');
      let end = pending.indexOf('\r\n');
      while (end >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (inArticle) inArticle = line !== '.';
        else {
          if (line.startsWith('TAKETHIS')) inArticle = true;
          script(line, socket);
        }
        end = pending.indexOf('\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address !== 'string');
  return {
    port: address.port,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Answers like a well-behaved streaming server: 203, then the given status per TAKETHIS. */
function streamingScript(takethisStatus: (messageId: string) => string) {
  return (line: string, socket: Socket): void => {
    const [verb, argument = ''] = line.split(' ');
    if (verb === 'MODE') socket.write('203 Streaming permitted\r\n');
    else if (verb === 'TAKETHIS') socket.write(`${takethisStatus(argument)} ${argument}\r\n`);
    else if (verb === 'QUIT') socket.end('205 Bye\r\n');
  };
}

describe('NNTP streaming client against scripted servers', () => {
  const one = [article('<one@mt2.test>', 'hello\r\n')];

  test('sends each article dot-stuffed after its TAKETHIS and counts 239 and 439', async () => {
    const peer = await scriptedNntp(
      '200 scripted\r\n',
      streamingScript((id) => (id === '<two@mt2.test>' ? '439' : '239')),
    );
    try {
      const articles = [article('<one@mt2.test>', '.dot\r\n'), article('<two@mt2.test>', 'x\r\n')];
      const result = await streamArticles({ port: peer.port, articles, window: 1 });
      assert.deepEqual([result.accepted, result.rejected], [1, 1]);
      const expectedFirst = `TAKETHIS <one@mt2.test>\r\n${encodeMultiLine(articles[0]?.text ?? Buffer.alloc(0)).toString('latin1')}`;
      assert.ok(peer.received().startsWith(`MODE STREAM\r\n${expectedFirst}`));
      assert.ok(peer.received().includes('\r\n\r\n..dot\r\n.\r\n'));
      assert.ok(peer.received().endsWith('QUIT\r\n'));
    } finally {
      await peer.close();
    }
  });

  test('encodeMultiLine doubles leading dots and terminates the block', () => {
    assert.equal(
      encodeMultiLine(Buffer.from('a\r\n.b\r\n.\r\n')).toString(),
      'a\r\n..b\r\n..\r\n.\r\n',
    );
    assert.equal(encodeMultiLine(Buffer.from('no end')).toString(), 'no end\r\n.\r\n');
    assert.equal(encodeMultiLine(Buffer.alloc(0)).toString(), '.\r\n');
  });

  test('a server that refuses streaming is PEER_UNEXPECTED_REPLY', async () => {
    const peer = await scriptedNntp('200 scripted\r\n', (line, socket) => {
      socket.write('500 What?\r\n');
    });
    try {
      await rejectsWith(
        streamArticles({ port: peer.port, articles: one }),
        'PEER_UNEXPECTED_REPLY',
      );
    } finally {
      await peer.close();
    }
  });

  test('a refusing greeting is PEER_UNEXPECTED_REPLY', async () => {
    const peer = await scriptedNntp('502 go away\r\n', () => undefined);
    try {
      await rejectsWith(
        streamArticles({ port: peer.port, articles: one }),
        'PEER_UNEXPECTED_REPLY',
      );
    } finally {
      await peer.close();
    }
  });

  test('an answer for an article not in flight is PEER_UNEXPECTED_REPLY', async () => {
    const peer = await scriptedNntp('200 scripted\r\n', (line, socket) => {
      if (line.startsWith('MODE')) socket.write('203 ok\r\n');
      else socket.write('239 <other@mt2.test>\r\n');
    });
    try {
      await rejectsWith(
        streamArticles({ port: peer.port, articles: one }),
        'PEER_UNEXPECTED_REPLY',
      );
    } finally {
      await peer.close();
    }
  });

  test(`a reply line of exactly ${MAX_NNTP_REPLY_BYTES} bytes is read`, async () => {
    const greeting = `200 ${'x'.repeat(MAX_NNTP_REPLY_BYTES - 6)}\r\n`;
    assert.equal(greeting.length, MAX_NNTP_REPLY_BYTES);
    const peer = await scriptedNntp(
      greeting,
      streamingScript(() => '239'),
    );
    try {
      const result = await streamArticles({ port: peer.port, articles: one });
      assert.equal(result.accepted, 1);
    } finally {
      await peer.close();
    }
  });

  test('a reply line one byte longer is PEER_LINE_TOO_LONG', async () => {
    const greeting = `200 ${'x'.repeat(MAX_NNTP_REPLY_BYTES - 5)}\r\n`;
    const peer = await scriptedNntp(
      greeting,
      streamingScript(() => '239'),
    );
    try {
      await rejectsWith(streamArticles({ port: peer.port, articles: one }), 'PEER_LINE_TOO_LONG');
    } finally {
      await peer.close();
    }
  });

  test('an endless line without a line end is PEER_LINE_TOO_LONG', async () => {
    const peer = await scriptedNntp('x'.repeat(4 * MAX_NNTP_REPLY_BYTES), () => undefined);
    try {
      await rejectsWith(streamArticles({ port: peer.port, articles: one }), 'PEER_LINE_TOO_LONG');
    } finally {
      await peer.close();
    }
  });

  test('a server that hangs up with answers due is PEER_CONNECTION_CLOSED', async () => {
    const peer = await scriptedNntp('200 scripted\r\n', (line, socket) => {
      if (line.startsWith('MODE')) socket.write('203 ok\r\n');
      else socket.destroy();
    });
    try {
      await rejectsWith(
        streamArticles({ port: peer.port, articles: one }),
        'PEER_CONNECTION_CLOSED',
      );
    } finally {
      await peer.close();
    }
  });

  test('a silent server is PEER_TIMEOUT after the idle limit', async () => {
    const peer = await scriptedNntp('200 scripted\r\n', () => undefined);
    try {
      await rejectsWith(
        streamArticles({ port: peer.port, articles: one, idleTimeoutMs: 200 }),
        'PEER_TIMEOUT',
      );
    } finally {
      await peer.close();
    }
  });

  test('bad message-ids, duplicates and windows are PEER_BAD_OPTION before connecting', async () => {
    const port = 9; // never contacted: the options are checked first
    for (const messageId of ['no-brackets@x', '<a b@x>', '<no-at>', '<a@b>\r\nQUIT']) {
      await rejectsWith(
        streamArticles({ port, articles: [{ messageId, text: Buffer.from('x\r\n') }] }),
        'PEER_BAD_OPTION',
      );
    }
    await rejectsWith(streamArticles({ port, articles: [...one, ...one] }), 'PEER_BAD_OPTION');
    for (const window of [0, 1.5, MAX_TAKETHIS_WINDOW + 1]) {
      await rejectsWith(streamArticles({ port, articles: one, window }), 'PEER_BAD_OPTION');
    }
  });
});

/** Runs `npm run bench:peers`'s script with `args`; resolves with its exit code and output. */
function runBenchPeers(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/peers/run.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench:peers script', () => {
  test('prints a row per peer run, every message accepted or fetched', async () => {
    const { code, stdout, stderr } = await runBenchPeers(['--count', '20', '--body-bytes', '1024']);
    assert.equal(code, 0, stderr);
    const rows = stdout.split('\n').filter((line) => / 20 +20 /.test(line));
    assert.equal(rows.length, 4, stdout);
    for (const [index, peer] of ['INN2', 'smtp-source', 'imapflow', 'imapflow'].entries()) {
      assert.ok(rows[index]?.startsWith(peer), `row ${index}: ${rows[index]}`);
    }
  });

  test('bad options end it with PEER_BAD_OPTION before any peer starts', async () => {
    for (const args of [
      ['--only', 'sendmail'],
      ['--count', 'many'],
      ['--window', '0'],
    ]) {
      const { code, stdout, stderr } = await runBenchPeers(args);
      assert.equal(code, 1);
      assert.match(stderr, /\[PEER_BAD_OPTION\]/);
      assert.equal(stdout, '');
    }
  });
});
