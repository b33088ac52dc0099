import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CONCURRENT_PULLS } from '../../../../src/protocol/transfer-extensions/mailbox-pull.ts';
import {
  MAX_PULL_IDS,
  Mt2Error,
  mailboxExtension,
  pipeExtension,
  type HeloVerdict,
  type MailboxExtensionOptions,
  type ServerSessionOptions,
} from '../../../../src/protocol/index.ts';
import { MemoryMailbox } from '../../../helpers/memory-mailbox.ts';
import { scriptServer, text } from '../../../helpers/session-harness.ts';

const flush = () => new Promise(setImmediate);
const USER: HeloVerdict = { accept: true, trusted: true, kind: 'user' };

/** A logged-in user session over a scripted wire, with a mailbox of `count` messages. */
async function mailboxServer(
  count = 3,
  options: MailboxExtensionOptions = {},
  session: Partial<ServerSessionOptions> = {},
  verdict: HeloVerdict = USER,
) {
  const mailbox = new MemoryMailbox();
  for (let i = 1; i <= count; i++) {
    mailbox.add(`m${i}@x`, {
      envelope: text.encode(`env${i}`),
      headers: text.encode(`headers of ${i}`),
      body: text.encode(`body ${i}`.repeat(i)),
    });
  }
  const s = scriptServer({
    extensions: [pipeExtension(), mailboxExtension(mailbox, options)],
    ...session,
  });
  s.store.helo = () => verdict;
  await s.login();
  s.wire.clear();
  return { ...s, mailbox };
}

describe('offering', () => {
  test('MBOX is listed in HELO OK for a user session', async () => {
    const s = scriptServer({ extensions: [mailboxExtension(new MemoryMailbox())] });
    s.store.helo = () => USER;
    await s.login();
    assert.match(s.wire.lines().at(-1) ?? '', /^\[1 OK 99\.0\.2\.1 \(MBOX=PACK\) /);
  });

  for (const verdict of [
    { accept: true, trusted: true, kind: 'host' },
    { accept: true, trusted: true },
  ] as const) {
    test(`a ${verdict.kind ?? 'kind-less'} session is not offered MBOX: its verbs are unknown (99.0.5.3)`, async () => {
      const s = await mailboxServer(1, {}, {}, verdict);
      assert.deepEqual(s.server.peer.kind, 'kind' in verdict ? verdict.kind : undefined);
      await s.send('[2 LIST {0}]\r\n[3 PULL m1@x message/headers]\r\n[4 FLAG m1@x +seen]\r\n');
      await s.send('[5 DELE m1@x]\r\n[6 OPT (MBOX)]\r\n');
      assert.deepEqual(s.wire.codes(), [
        '2 ERR 99.0.5.3',
        '3 ERR 99.0.5.3',
        '4 ERR 99.0.5.3',
        '5 ERR 99.0.5.3',
        '6 ERR 99.0.5.0',
      ]);
      assert.deepEqual(s.mailbox.calls, []);
    });
  }

  test('before HELO the verbs are unknown', async () => {
    const s = scriptServer({ extensions: [mailboxExtension(new MemoryMailbox())] });
    s.wire.clear();
    await s.send('[1 LIST {0}]\r\n');
    assert.deepEqual(s.wire.codes(), ['1 ERR 99.0.5.3']);
  });

  test('options that are not positive integers are a configuration error', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(
        () => mailboxExtension(new MemoryMailbox(), { maxListEntries: bad }),
        (e: unknown) => e instanceof Mt2Error && e.code === 'INVALID_LIMIT',
      );
      assert.throws(() => mailboxExtension(new MemoryMailbox(), { maxPullIds: bad }), Mt2Error);
    }
  });
});

describe('LIST', () => {
  test('lists everything from cursor 0 on TMP lines, then OK with CURSOR and COUNT', async () => {
    const s = await mailboxServer(2);
    await s.send('[2 LIST {0}]\r\n');
    assert.deepEqual(s.wire.lines(), [
      '[2 TMP 120.0.3.30 (MSG=m1@x;1;1;4;12;6) (MSG=m2@x;2;2;4;12;12)]',
      '[2 OK 120.0.2.0 (CURSOR=2) (COUNT=2) Listed 2.]',
    ]);
    assert.deepEqual(s.mailbox.calls, ['list 0 5000']);
  });

  test('from a cursor only the changes; tombstones and flags show up', async () => {
    const s = await mailboxServer(3);
    await s.mailbox.setFlags(s.server.peer, 'm2@x', ['seen', 'flagged'], []);
    await s.mailbox.expunge(s.server.peer, ['m1@x']);
    await s.send('[2 LIST {3}]\r\n');
    assert.deepEqual(s.wire.lines(), [
      '[2 TMP 120.0.3.30 (MSG=m2@x;2;4;4;12;12;seen;flagged) (GONE=m1@x;1;5)]',
      '[2 OK 120.0.2.0 (CURSOR=5) (COUNT=2) Listed 2.]',
    ]);
    s.wire.clear();
    await s.send('[3 LIST {5}]\r\n');
    assert.deepEqual(s.wire.lines(), ['[3 OK 120.0.2.0 (CURSOR=5) (COUNT=0) Listed 0.]']);
  });

  test('LIMIT pages; a LIMIT above the server maximum is cut to it and MORE says ask again', async () => {
    const s = await mailboxServer(5, { maxListEntries: 3 });
    await s.send('[2 LIST {0} (LIMIT=2)]\r\n[3 LIST {2} (LIMIT=9007199254740991)]\r\n');
    assert.deepEqual(s.wire.codes(), [
      '2 TMP 120.0.3.30',
      '2 OK 120.0.2.0',
      '3 TMP 120.0.3.30',
      '3 OK 120.0.2.0',
    ]);
    assert.match(s.wire.lines()[1] ?? '', /\(CURSOR=2\) \(COUNT=2\) \(MORE\)/);
    assert.match(s.wire.lines()[3] ?? '', /\(CURSOR=5\) \(COUNT=3\) Listed/);
    assert.deepEqual(s.mailbox.calls, ['list 0 2', 'list 2 3']);
  });

  test('entries are packed into lines that never exceed MAXLINE', async () => {
    const s = await mailboxServer(200, {}, { limits: { maxLineBytes: 256 } });
    await s.send('[2 LIST {0}]\r\n');
    const lines = s.wire.lines();
    const tmp = lines.filter((line) => line.startsWith('[2 TMP'));
    assert.ok(tmp.length > 10, `${tmp.length} lines`);
    for (const line of lines) assert.ok(line.length + 2 <= 256, line);
    const listed = tmp.join(' ').match(/\(MSG=/g)?.length;
    assert.equal(listed, 200);
    assert.match(lines.at(-1) ?? '', /\(COUNT=200\)/);
  });

  test('an entry too long for any line fails the LIST (120.0.5.26) before any entry is sent', async () => {
    const s = await mailboxServer(1, {}, { limits: { maxLineBytes: 128 } });
    s.mailbox.add(`${'x'.repeat(90)}@x`, { envelope: text.encode('e') });
    await s.send('[2 LIST {0}]\r\n');
    assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.5.26']);
  });

  test('msg-ids holding ; or % are escaped in entries', async () => {
    const s = await mailboxServer(0);
    s.mailbox.add('a;b%c@x', { envelope: text.encode('e') });
    await s.send('[2 LIST {0}]\r\n');
    assert.equal(s.wire.lines()[0], '[2 TMP 120.0.3.30 (MSG=a%3Bb%25c@x;1;1;1;0;0)]');
  });

  for (const [line, why] of [
    ['[2 LIST]', 'no cursor'],
    ['[2 LIST 0]', 'cursor not a {n}'],
    ['[2 LIST {0} {5}]', 'extra parameter'],
    ['[2 LIST {0} (LIMIT=0)]', 'LIMIT 0'],
    ['[2 LIST {0} (LIMIT=x)]', 'LIMIT not a number'],
    ['[2 LIST {0} (LIMIT=99999999999999999999)]', 'LIMIT beyond 2^53'],
    ['[2 LIST {0} (LIMIT=1;2)]', 'two values'],
    ['[2 LIST {0} (LIMIT=1) (LIMIT=2)]', 'LIMIT twice'],
    ['[2 LIST {0} (SORT=date)]', 'unknown option'],
  ] as const) {
    test(`bad parameters (${why}) get 120.0.5.4 without asking the mailbox`, async () => {
      const s = await mailboxServer(1);
      await s.send(`${line}\r\n`);
      assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.5.4']);
      assert.deepEqual(s.mailbox.calls, []);
    });
  }

  test('a failing mailbox is a transient 120.0.4.3; the session goes on', async () => {
    const s = await mailboxServer(1);
    s.mailbox.failing = true;
    await s.send('[2 LIST {0}]\r\n[3 NOOP]\r\n');
    assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.4.3', '3 OK 99.0.2.0']);
  });

  test('a mailbox breaking the listing rules gets 120.0.5.26, nothing of it is sent', async () => {
    const s = await mailboxServer(2);
    const [first, second] = (await s.mailbox.list(s.server.peer, 0, 10)).entries;
    assert.ok(first !== undefined && second !== undefined);
    const bad = [
      { entries: [second, first], cursor: 2, more: false }, // out of order
      { entries: [first], cursor: 0, more: false }, // cursor below the entry
      { entries: [{ ...first, flags: ['seen', 'seen'] as const }], cursor: 1, more: false },
      { entries: [{ ...first, uid: 0 }], cursor: 1, more: false },
      { entries: [first, { ...second, msgId: 'm1@x' }], cursor: 2, more: false },
      { entries: [{ ...first, msgId: 'has space' }], cursor: 1, more: false },
      { entries: [], cursor: 0, more: true }, // MORE that makes no progress
    ];
    for (const [i, listing] of bad.entries()) {
      s.mailbox.listOverride = listing;
      await s.send(`[${i + 2} LIST {0}]\r\n`);
    }
    assert.deepEqual(
      s.wire.codes(),
      bad.map((_, i) => `${i + 2} ERR 120.0.5.26`),
    );
  });
});

describe('PULL', () => {
  test('synchronous: one XFER at a time with the PULL tag; data after TMP; OK with counts after the last answer', async () => {
    const s = await mailboxServer(2);
    await s.send('[2 PULL m1@x m2@x gone@x message/headers]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), ['[1 XFER m1@x message/headers {12} {0} (PULL=2)]']);
    await s.send('[1 TMP 99.0.3.6 Go ahead.]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines().slice(1), ['{1 12}']);
    await s.send('[1 OK 99.0.2.3 Fragment received.]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines().slice(2), ['[2 XFER m2@x message/headers {12} {0} (PULL=2)]']);
    await s.send('[2 ERR 99.0.5.23 Refused by the client.]\r\n');
    await flush();
    await flush();
    assert.deepEqual(s.wire.lines().slice(3), [
      '[2 OK 120.0.2.0 (DELIVERED=1) (REFUSED=1) (UNKNOWN=1) Pulled 1 of 3.]',
    ]);
    assert.deepEqual(s.mailbox.calls, [
      'read m1@x message/headers',
      'read m2@x message/headers',
      'read gone@x message/headers',
    ]);
  });

  test('pipelined: XFERs and their data go out at once; the OK waits for every answer', async () => {
    const s = await mailboxServer(3);
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    s.wire.clear();
    await s.send('[3 PULL m1@x m2@x m3@x message/body]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), [
      '[1 XFER m1@x message/body {6} {0} (PULL=3)]',
      '{1 6}',
      '[2 XFER m2@x message/body {12} {0} (PULL=3)]',
      '{2 12}',
      '[3 XFER m3@x message/body {18} {0} (PULL=3)]',
      '{3 18}',
    ]);
    await s.send(
      '[3 TMP 99.0.3.8 Go.]\r\n[3 OK 99.0.2.3 Got it.]\r\n[1 ERR 99.0.5.11 Too big.]\r\n',
    );
    await flush();
    assert.equal(s.wire.lines().length, 6, 'no final before every XFER is answered');
    await s.send('[2 TMP 99.0.3.8 Go.]\r\n[2 OK 99.0.2.3 Got it.]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines().slice(6), [
      '[3 OK 120.0.2.0 (DELIVERED=2) (REFUSED=1) (UNKNOWN=0) Pulled 2 of 3.]',
    ]);
  });

  test('(PACK=n): parts packed into XFERs of at most n octets with msg-id *, a larger part alone, counts per part', async () => {
    const s = await mailboxServer(0);
    const sizes = { 'a@x': 10, 'b;%x': 15, 'c@x': 40, 'd@x': 5 };
    for (const [id, size] of Object.entries(sizes)) {
      s.mailbox.add(id, { envelope: new Uint8Array(size).fill(id.charCodeAt(0)) });
    }
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    s.wire.clear();
    await s.send('[3 PULL a@x b;%x gone@x c@x d@x message/envelope (PACK=30)]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), [
      '[1 XFER * message/envelope {25} {0} (PULL=3) (PACK=10,a@x;15,b%3B%25x)]',
      '{1 25}',
      '[2 XFER * message/envelope {40} {0} (PULL=3) (PACK=40,c@x)]',
      '{2 40}',
      '[3 XFER * message/envelope {5} {0} (PULL=3) (PACK=5,d@x)]',
      '{3 5}',
    ]);
    const pack = s.wire.frames.find((frame) => frame.kind === 'chunk');
    assert.equal(
      pack?.kind === 'chunk' ? new TextDecoder().decode(pack.data) : undefined,
      'a'.repeat(10) + 'b'.repeat(15),
      'the parts in the order listed',
    );
    await s.send(
      '[1 TMP 99.0.3.5 Go.]\r\n[1 OK 99.0.2.3 Got.]\r\n[2 ERR 99.0.5.11 Too big.]\r\n' +
        '[3 TMP 99.0.3.5 Go.]\r\n[3 OK 99.0.2.3 Got.]\r\n',
    );
    await flush();
    assert.deepEqual(s.wire.lines().slice(6), [
      '[3 OK 120.0.2.0 (DELIVERED=3) (REFUSED=1) (UNKNOWN=1) Pulled 3 of 5.]',
    ]);
  });

  test('(PACK=n) over the line: a pack closes when its list would not fit the line', async () => {
    const s = await mailboxServer(0, {}, { limits: { maxLineBytes: 300 } });
    const ids = Array.from(
      { length: 12 },
      (_, i) => `message-${String(i).padStart(2, '0')}@ex.test`,
    );
    for (const id of ids) s.mailbox.add(id, { envelope: text.encode('e') });
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    s.wire.clear();
    await s.send(`[3 PULL ${ids.join(' ')} message/envelope (PACK=1000000)]\r\n`);
    await flush();
    const xfers = s.wire.lines().filter((line) => line.includes('XFER'));
    assert.ok(xfers.length > 1, 'several packs');
    for (const line of xfers) assert.ok(line.length + 2 <= 300, line);
    const listed = xfers.flatMap((line) => /\(PACK=([^)]*)\)/.exec(line)?.[1]?.split(';') ?? []);
    assert.deepEqual(
      listed,
      ids.map((id) => `1,${id}`),
    );
  });

  test('a part larger than a chunk travels as several chunks', async () => {
    const s = await mailboxServer(0, {}, { limits: { maxChunkBytes: 64 } });
    s.mailbox.add('big@x', { envelope: new Uint8Array(150).fill(0x65) });
    await s.send('[2 PULL big@x message/envelope]\r\n');
    await flush();
    await s.send('[1 TMP 99.0.3.5 Go.]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), [
      '[1 XFER big@x message/envelope {150} {0} (PULL=2)]',
      '{1 64}',
      '{1 64}',
      '{1 22}',
    ]);
  });

  test('ABOR of a PULL: OK for the ABOR, the XFER in progress is aborted, no more XFERs, then ERR 120.0.5.14', async () => {
    const s = await mailboxServer(3);
    await s.send('[2 PULL m1@x m2@x m3@x message/headers]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), ['[1 XFER m1@x message/headers {12} {0} (PULL=2)]']);
    await s.send('[3 ABOR=2]\r\n');
    await flush();
    assert.deepEqual(s.wire.codes(), ['3 OK 99.0.2.5']);
    // The granted XFER sends no data now: the server kills its own transfer.
    await s.send('[1 TMP 99.0.3.6 Go.]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines().slice(2), ['[2 ABOR=1]']);
    await s.send('[2 OK 99.0.2.5 Killed.]\r\n[1 ERR 99.0.5.14 Transfer aborted.]\r\n');
    await flush();
    await flush();
    assert.deepEqual(s.wire.lines().slice(3), [
      '[2 ERR 120.0.5.14 (DELIVERED=0) (REFUSED=1) (UNKNOWN=0) Pull stopped.]',
    ]);
    assert.deepEqual(s.mailbox.calls, ['read m1@x message/headers']);
  });

  test('ABOR of a PULL already answered, or of nothing, is 99.0.5.15', async () => {
    const s = await mailboxServer(1);
    await s.send('[2 PULL nothing@x message/headers]\r\n');
    await flush();
    await s.send('[3 ABOR=2]\r\n[4 ABOR=77]\r\n');
    assert.deepEqual(s.wire.codes(), ['2 OK 120.0.2.0', '3 ERR 99.0.5.15', '4 ERR 99.0.5.15']);
  });

  test(`at most maxPullIds ids: exactly at the cap is served, one over gets 120.0.5.30`, async () => {
    const s = await mailboxServer(0, { maxPullIds: 3 });
    await s.send('[2 PULL a@x b@x c@x message/headers]\r\n');
    await flush();
    await s.send('[3 PULL a@x b@x c@x d@x message/headers]\r\n[4 DELE a@x b@x c@x d@x]\r\n');
    await flush();
    assert.deepEqual(s.wire.codes(), ['2 OK 120.0.2.0', '3 ERR 120.0.5.30', '4 ERR 120.0.5.30']);
    assert.equal(MAX_PULL_IDS, 1000);
  });

  test(`at most ${MAX_CONCURRENT_PULLS} PULLs run at once: the next gets 120.0.4.1, and is served once one is answered`, async () => {
    const s = await mailboxServer(MAX_CONCURRENT_PULLS + 1);
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    s.wire.clear();
    for (let i = 1; i <= MAX_CONCURRENT_PULLS + 1; i++) {
      await s.send(`[${i + 2} PULL m${i}@x message/headers]\r\n`);
    }
    await flush();
    const tooMany = `${MAX_CONCURRENT_PULLS + 3} ERR 120.0.4.1`;
    assert.deepEqual(
      s.wire.codes().filter((code) => code.includes('ERR')),
      [tooMany],
    );
    // The XFER of the first PULL is answered: that PULL ends, and a new one may start.
    await s.send('[1 TMP 99.0.3.6 Go.]\r\n[1 OK 99.0.2.3 Got it.]\r\n');
    await flush();
    assert.ok(s.wire.codes().includes('3 OK 120.0.2.0'));
    await s.send(`[${MAX_CONCURRENT_PULLS + 4} PULL m1@x message/headers]\r\n`);
    await flush();
    assert.deepEqual(
      s.wire.codes().filter((code) => code.includes('ERR')),
      [tooMany],
    );
  });

  test('thousands of ids in one line are refused at once, without reading', async () => {
    const s = await mailboxServer(0, {}, { limits: { maxLineBytes: 65536 } });
    const ids = Array.from({ length: 3000 }, (_, i) => `i${i}@x`).join(' ');
    await s.send(`[2 PULL ${ids} message/headers]\r\n`);
    assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.5.30']);
    assert.deepEqual(s.mailbox.calls, []);
  });

  for (const [line, why] of [
    ['[2 PULL message/headers]', 'no msg-id'],
    ['[2 PULL m1@x]', 'no part type'],
    ['[2 PULL m1@x message/other]', 'unknown part type'],
    ['[2 PULL message/headers m1@x]', 'part type first'],
    ['[2 PULL m1@x m1@x message/headers]', 'a msg-id twice'],
    ['[2 PULL {5} message/headers]', 'a number as msg-id'],
    ['[2 PULL m1@x message/headers (FAST)]', 'an option'],
    ['[2 PULL m1@x message/headers (PACK)]', 'PACK without a size'],
    ['[2 PULL m1@x message/headers (PACK=0)]', 'PACK of 0 octets'],
    ['[2 PULL m1@x message/headers (PACK=1;2)]', 'PACK with two values'],
    ['[2 PULL m1@x message/headers (PACK=100) (PACK=100)]', 'PACK twice'],
  ] as const) {
    test(`bad parameters (${why}) get 120.0.5.4`, async () => {
      const s = await mailboxServer(1);
      await s.send(`${line}\r\n`);
      assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.5.4']);
    });
  }

  test('a mailbox failing mid-PULL ends it with 120.0.4.3 and the counts so far', async () => {
    const s = await mailboxServer(1);
    s.mailbox.failing = true;
    await s.send('[2 PULL m1@x message/headers]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), [
      '[2 ERR 120.0.4.3 (DELIVERED=0) (REFUSED=0) (UNKNOWN=0) Pull stopped.]',
    ]);
  });

  test('a mailbox failing mid-PULL with packs: the parts gathered and not sent count as unknown', async () => {
    const s = await mailboxServer(3);
    const read = s.mailbox.readPart.bind(s.mailbox);
    s.mailbox.readPart = (peer, msgId, part) => {
      if (msgId === 'm3@x') s.mailbox.failing = true;
      return read(peer, msgId, part);
    };
    await s.send('[2 PULL m1@x m2@x m3@x message/headers (PACK=1000)]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), [
      '[2 ERR 120.0.4.3 (DELIVERED=0) (REFUSED=0) (UNKNOWN=2) Pull stopped.]',
    ]);
  });

  test('the session closing mid-PULL ends it quietly', async () => {
    const s = await mailboxServer(2);
    await s.send('[2 PULL m1@x m2@x message/headers]\r\n');
    await flush();
    await s.server.end();
    await flush();
    assert.equal(s.server.state, 'closed');
    assert.deepEqual(s.wire.lines(), ['[1 XFER m1@x message/headers {12} {0} (PULL=2)]']);
  });
});

describe('FLAG and DELE', () => {
  test('FLAG answers with the new entry: flags and modseq', async () => {
    const s = await mailboxServer(2);
    await s.send('[2 FLAG m2@x +seen +answered]\r\n[3 FLAG m2@x -seen +flagged]\r\n');
    assert.deepEqual(s.wire.lines(), [
      '[2 OK 120.0.2.0 (MSG=m2@x;2;3;4;12;12;seen;answered) Flags set.]',
      '[3 OK 120.0.2.0 (MSG=m2@x;2;4;4;12;12;answered;flagged) Flags set.]',
    ]);
  });

  test('FLAG of an unknown message is 120.0.5.27', async () => {
    const s = await mailboxServer(1);
    await s.send('[2 FLAG who@x +seen]\r\n');
    assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.5.27']);
  });

  for (const [line, why] of [
    ['[2 FLAG m1@x]', 'no change'],
    ['[2 FLAG m1@x seen]', 'no sign'],
    ['[2 FLAG m1@x +recent]', 'unknown flag'],
    ['[2 FLAG m1@x +seen -seen]', 'added and removed'],
    ['[2 FLAG m1@x +seen +seen]', 'twice'],
    ['[2 FLAG {1} +seen]', 'a number as msg-id'],
  ] as const) {
    test(`FLAG with bad parameters (${why}) gets 120.0.5.4`, async () => {
      const s = await mailboxServer(1);
      await s.send(`${line}\r\n`);
      assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.5.4']);
      assert.deepEqual(s.mailbox.calls, []);
    });
  }

  test('DELE expunges, counts only known ids, and leaves tombstones for LIST', async () => {
    const s = await mailboxServer(3);
    await s.send('[2 DELE m1@x m3@x nobody@x]\r\n[3 LIST {3}]\r\n');
    assert.deepEqual(s.wire.lines(), [
      '[2 OK 120.0.2.0 (EXPUNGED=2) Expunged 2.]',
      '[3 TMP 120.0.3.30 (GONE=m1@x;1;4) (GONE=m3@x;3;5)]',
      '[3 OK 120.0.2.0 (CURSOR=5) (COUNT=2) Listed 2.]',
    ]);
  });

  test('DELE with no id, a msg-id twice or an option gets 120.0.5.4', async () => {
    const s = await mailboxServer(1);
    await s.send('[2 DELE]\r\n[3 DELE m1@x m1@x]\r\n[4 DELE m1@x (NOW)]\r\n');
    assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.5.4', '3 ERR 120.0.5.4', '4 ERR 120.0.5.4']);
  });

  test('a mailbox failing FLAG or DELE is 120.0.4.3', async () => {
    const s = await mailboxServer(1);
    s.mailbox.failing = true;
    await s.send('[2 FLAG m1@x +seen]\r\n[3 DELE m1@x]\r\n');
    assert.deepEqual(s.wire.codes(), ['2 ERR 120.0.4.3', '3 ERR 120.0.4.3']);
  });
});
