import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Mt2Error,
  encodeChunk,
  pipeExtension,
  type ClientSessionOptions,
  type MailboxFlag,
} from '../../../../src/protocol/index.ts';
import { scriptedClientLoggedIn, text } from '../../../helpers/session-harness.ts';

const GREETING = '[* TMP 99.0.3.1 (VER=1.0) (MAXFLIGHT=8) Hi there.]\r\n';
const flush = () => new Promise(setImmediate);

const isCode = (code: string, result?: string) => (error: unknown) =>
  error instanceof Mt2Error &&
  error.code === code &&
  (result === undefined || error.result === result);

/** A logged-in client offered MBOX, talking to the test as its server. */
async function client(options: Partial<ClientSessionOptions> = {}) {
  const s = await scriptedClientLoggedIn(GREETING, '(PIPE) (MBOX)', {
    extensions: [pipeExtension()],
    ...options,
  });
  return {
    ...s,
    chunk: (tag: number, data: string) => s.client.receive(encodeChunk(tag, text.encode(data))),
  };
}

describe('LIST, client side', () => {
  test('sends the cursor and a LIMIT, gathers entries from the TMP lines, reads CURSOR and MORE', async () => {
    const s = await client();
    const listing = s.client.list(0, 3);
    assert.deepEqual(s.wire.lines(), ['[2 LIST {0} (LIMIT=3)]']);
    await s.say('[2 TMP 120.0.3.30 (MSG=m1@x;1;1;10;20;30;seen) (GONE=m%3B2@x;2;2)]\r\n');
    await s.say('[2 TMP 120.0.3.30 (MSG=m3@x;3;7;10;0;0)]\r\n');
    await s.say('[2 OK 120.0.2.0 (CURSOR=7) (COUNT=3) (MORE) Listed 3.]\r\n');
    assert.deepEqual(await listing, {
      entries: [
        {
          msgId: 'm1@x',
          uid: 1,
          modseq: 1,
          partSizes: { envelope: 10, headers: 20, body: 30 },
          flags: ['seen'],
          expunged: false,
        },
        {
          msgId: 'm;2@x',
          uid: 2,
          modseq: 2,
          partSizes: { envelope: 0, headers: 0, body: 0 },
          flags: [],
          expunged: true,
        },
        {
          msgId: 'm3@x',
          uid: 3,
          modseq: 7,
          partSizes: { envelope: 10, headers: 0, body: 0 },
          flags: [],
          expunged: false,
        },
      ],
      cursor: 7,
      more: true,
    });
  });

  /** A server answer to `LIST {since} (LIMIT=limit)`: TMP lines, then `ok` (default: a fitting OK). */
  interface Hostile {
    why: string;
    tmp: string[];
    since?: number;
    limit?: number;
    ok?: string;
  }
  const entries = (...groups: string[]) => [`[2 TMP 120.0.3.30 ${groups.join(' ')}]`];
  const hostile: Hostile[] = [
    {
      why: 'an intermediate code other than 120.0.3.30',
      tmp: ['[2 TMP 120.0.3.1 (GONE=a@x;1;1)]'],
    },
    { why: 'uid 0', tmp: entries('(MSG=m1@x;0;1;1;0;0)') },
    { why: 'a size with a leading zero', tmp: entries('(MSG=m1@x;1;1;01;0;0)') },
    { why: 'a size beyond 2^53', tmp: entries('(MSG=m1@x;1;1;99999999999999999;0;0)') },
    { why: 'no envelope in a live entry', tmp: entries('(MSG=m1@x;1;1;0;0;0)') },
    { why: 'a missing size', tmp: entries('(MSG=m1@x;1;1;1;0)') },
    { why: 'an unknown flag', tmp: entries('(MSG=m1@x;1;1;1;0;0;recent)') },
    { why: 'a flag twice', tmp: entries('(MSG=m1@x;1;1;1;0;0;seen;seen)') },
    { why: 'a bad escape', tmp: entries('(MSG=m%41@x;1;1;1;0;0)') },
    { why: 'a tombstone with sizes', tmp: entries('(GONE=m1@x;1;1;5)') },
    { why: 'an unknown group', tmp: entries('(FOO=1)') },
    { why: 'a result group', tmp: entries('(MSG OK 120.0.2.0 x)') },
    { why: 'modseqs out of order', tmp: entries('(GONE=a@x;1;5)', '(GONE=b@x;2;4)') },
    { why: 'a msg-id twice', tmp: entries('(GONE=a@x;1;4)', '(GONE=a@x;1;5)') },
    { why: 'a modseq not above the cursor asked', tmp: entries('(GONE=a@x;1;3)'), since: 3 },
    {
      why: 'more entries than the limit',
      tmp: entries('(GONE=a@x;1;1)', '(GONE=b@x;2;2)'),
      limit: 1,
    },
    {
      why: 'a COUNT that disagrees',
      tmp: entries('(GONE=a@x;1;1)'),
      ok: '[2 OK 120.0.2.0 (CURSOR=9) (COUNT=2) Listed.]',
    },
    { why: 'no CURSOR', tmp: [], ok: '[2 OK 120.0.2.0 (COUNT=0) Listed.]' },
    {
      why: 'a cursor below the last modseq',
      tmp: entries('(GONE=a@x;1;9)'),
      ok: '[2 OK 120.0.2.0 (CURSOR=8) (COUNT=1) Listed.]',
    },
    {
      why: 'MORE with no entry (a client would ask again forever)',
      tmp: [],
      ok: '[2 OK 120.0.2.0 (CURSOR=0) (COUNT=0) (MORE) Listed.]',
    },
    {
      why: 'MORE with a value',
      tmp: [],
      ok: '[2 OK 120.0.2.0 (CURSOR=1) (COUNT=0) (MORE=yes) Listed.]',
    },
  ];
  for (const { why, tmp, since = 0, limit = 5, ok } of hostile) {
    const count = tmp.join(' ').match(/\((MSG|GONE)=/g)?.length ?? 0;
    const lines = [...tmp, ok ?? `[2 OK 120.0.2.0 (CURSOR=9) (COUNT=${count}) Listed.]`];
    test(`a LIST answer with ${why} fails MALFORMED_RESPONSE; the session goes on`, async () => {
      const s = await client();
      const listing = s.client.list(since, limit);
      for (const line of lines) await s.say(`${line}\r\n`);
      await assert.rejects(listing, (error: unknown) => {
        // Each case must fail for its own reason, not for a COUNT the table got wrong.
        assert.ok(isCode('MALFORMED_RESPONSE')(error), String(error));
        assert.ok(why.includes('COUNT') || !String(error).includes('COUNT'), String(error));
        return true;
      });
      const noop = s.client.noop();
      await s.say('[3 OK 99.0.2.0 Done.]\r\n');
      assert.equal(await noop, '99.0.2.0');
    });
  }

  test('a server refusing LIST (not offered) surfaces as REFUSED with its code', async () => {
    const s = await client();
    const listing = s.client.list(0);
    await s.say('[2 ERR 99.0.5.3 Unknown verb LIST.]\r\n');
    await assert.rejects(listing, isCode('REFUSED', '99.0.5.3'));
  });

  test('a bad cursor or limit fails before anything is sent', async () => {
    const s = await client();
    for (const [since, limit] of [
      [-1, 5],
      [1.5, 5],
      [0, 0],
      [0, Number.MAX_SAFE_INTEGER + 1],
    ] as const) {
      await assert.rejects(s.client.list(since, limit), isCode('BAD_PARAMETERS'));
    }
    assert.deepEqual(s.wire.lines(), []);
  });
});

describe('PULL, client side', () => {
  test('answers each XFER of the PULL as a receiver, hands over whole parts, checks the counts', async () => {
    const s = await client();
    const parts: string[] = [];
    const sizes: string[] = [];
    const pulled = s.client.pull('message/headers', ['a@x', 'b@x', 'c@x'], {
      onPart: (id, bytes) => {
        parts.push(`${id}=${new TextDecoder().decode(bytes)}`);
      },
      accept: (id, size) => {
        sizes.push(`${id}:${size}`);
        return id !== 'b@x';
      },
    });
    assert.deepEqual(s.wire.lines(), ['[2 PULL a@x b@x c@x message/headers]']);
    await s.say('[1 XFER a@x message/headers {5} {0} (PULL=2)]\r\n');
    await s.chunk(1, 'he');
    await s.chunk(1, 'llo');
    await s.say('[2 XFER b@x message/headers {900} {0} (PULL=2)]\r\n');
    await s.say('[2 OK 120.0.2.0 (DELIVERED=1) (REFUSED=1) (UNKNOWN=1) Pulled.]\r\n');
    const result = await pulled;
    assert.deepEqual(s.wire.lines().slice(1), [
      '[1 TMP 99.0.3.6 Go ahead with headers.]',
      '[1 OK 99.0.2.3 Fragment received.]',
      '[2 ERR 99.0.5.23 Refused by the client.]',
    ]);
    assert.deepEqual(parts, ['a@x=hello']);
    assert.deepEqual(sizes, ['a@x:5', 'b@x:900']);
    assert.deepEqual(
      [...result.outcomes],
      [
        ['a@x', 'delivered'],
        ['b@x', 'refused'],
        ['c@x', 'unknown'],
      ],
    );
    assert.deepEqual([result.delivered, result.refused, result.unknown], [1, 1, 1]);
  });

  test('hostile XFERs are refused one by one with their own codes', async () => {
    const s = await client({ limits: { maxPartBytes: 100 } });
    const pulled = s.client.pull('message/body', ['a@x', 'b@x', 'c@x', 'd@x']);
    await s.say('[1 XFER a@x message/body {3} {0} (PULL=99)]\r\n'); // no such PULL
    await s.say('[2 XFER z@x message/body {3} {0} (PULL=2)]\r\n'); // not asked for
    await s.say('[3 XFER a@x message/headers {3} {0} (PULL=2)]\r\n'); // other part type
    await s.say('[4 XFER a@x message/body {3} {1} (PULL=2)]\r\n'); // fragmented
    await s.say('[5 XFER a@x message/body {3} {0} (PULL=2)]\r\n'); // a@x came already
    await s.say('[6 XFER b@x message/body {101} {0} (PULL=2)]\r\n'); // over maxPartBytes
    await s.say('[7 XFER c@x message/body {0} {0} (PULL=2)]\r\n'); // empty
    await s.say('[8 XFER c@x message/body {2} {0} (PULL=2;3)]\r\n'); // two values
    await s.say('[9 XFER d@x message/body {2} {0} (PULL=2)]\r\n');
    await s.chunk(9, 'abc'); // more than announced
    assert.deepEqual(s.wire.codes(), [
      '1 ERR 99.0.5.5',
      '2 ERR 99.0.5.4',
      '3 ERR 99.0.5.4',
      '4 ERR 99.0.5.13',
      '5 ERR 99.0.5.4',
      '6 ERR 99.0.5.11',
      '7 ERR 99.0.5.4',
      '8 ERR 99.0.5.4',
      '9 TMP 99.0.3.8',
      '9 ERR 99.0.5.24',
    ]);
    await s.say('[2 OK 120.0.2.0 (DELIVERED=0) (REFUSED=3) (UNKNOWN=1) Pulled.]\r\n');
    const result = await pulled;
    assert.deepEqual([...result.outcomes].sort(), [
      ['a@x', 'refused'],
      ['b@x', 'refused'],
      ['c@x', 'unknown'],
      ['d@x', 'refused'],
    ]);
  });

  test('counts that disagree with what arrived fail MALFORMED_RESPONSE', async () => {
    const s = await client();
    const pulled = s.client.pull('message/headers', ['a@x']);
    await s.say('[2 OK 120.0.2.0 (DELIVERED=1) (REFUSED=0) (UNKNOWN=0) Pulled.]\r\n');
    await assert.rejects(pulled, isCode('MALFORMED_RESPONSE'));
    const again = s.client.pull('message/headers', ['a@x']);
    await s.say('[3 OK 120.0.2.0 (DELIVERED=0) (UNKNOWN=1) Pulled.]\r\n');
    await assert.rejects(again, isCode('MALFORMED_RESPONSE'));
  });

  test('an XFER after its PULL was answered is refused: no such PULL', async () => {
    const s = await client();
    const pulled = s.client.pull('message/headers', ['a@x']);
    await s.say('[2 OK 120.0.2.0 (DELIVERED=0) (REFUSED=0) (UNKNOWN=1) Pulled.]\r\n');
    await pulled;
    await s.say('[1 XFER a@x message/headers {3} {0} (PULL=2)]\r\n');
    assert.deepEqual(s.wire.codes(), ['1 ERR 99.0.5.5']);
  });

  test("pipelined: data arriving before TMP is taken; a refused part's data is dropped silently", async () => {
    const s = await client();
    const opt = s.client.opt([{ kind: 'option', name: 'PIPE', values: ['ON'] }]);
    await s.say('[2 OK 99.0.2.2 (PIPE OK 110.0.2.2 On.) Options accepted.]\r\n');
    await opt;
    s.wire.clear();
    const got: string[] = [];
    const pulled = s.client.pull('message/body', ['a@x', 'b@x'], {
      onPart: (id) => {
        got.push(id);
      },
      accept: (id) => id === 'a@x',
    });
    await s.say('[1 XFER a@x message/body {4} {0} (PULL=3)]\r\n');
    await s.chunk(1, 'abcd');
    await s.say('[2 XFER b@x message/body {4} {0} (PULL=3)]\r\n');
    await s.chunk(2, 'wxyz');
    await s.say('[3 OK 120.0.2.0 (DELIVERED=1) (REFUSED=1) (UNKNOWN=0) Pulled.]\r\n');
    await pulled;
    assert.deepEqual(got, ['a@x']);
    assert.deepEqual(s.wire.codes(), ['1 TMP 99.0.3.8', '1 OK 99.0.2.3', '2 ERR 99.0.5.23']);
  });

  test('the server may ABOR its XFER mid-part: OK for the ABOR, then ERR 99.0.5.14', async () => {
    const s = await client();
    const pulled = s.client.pull('message/body', ['a@x']);
    await s.say('[1 XFER a@x message/body {10} {0} (PULL=2)]\r\n');
    await s.chunk(1, 'abc');
    await s.say('[2 ABOR=1]\r\n[3 ABOR=1]\r\n');
    assert.deepEqual(s.wire.codes(), [
      '1 TMP 99.0.3.8',
      '2 OK 99.0.2.5',
      '1 ERR 99.0.5.14',
      '3 ERR 99.0.5.15',
    ]);
    await s.say('[2 ERR 120.0.5.14 (DELIVERED=0) (REFUSED=1) (UNKNOWN=0) Pull stopped.]\r\n');
    await assert.rejects(pulled, isCode('ABORTED', '120.0.5.14'));
  });

  test('aborting the signal sends ABOR for the PULL in progress and fails ABORTED', async () => {
    const s = await client();
    const controller = new AbortController();
    const pulled = s.client.pull('message/body', ['a@x', 'b@x'], { signal: controller.signal });
    controller.abort();
    await flush();
    assert.deepEqual(s.wire.lines(), ['[2 PULL a@x b@x message/body]', '[3 ABOR=2]']);
    await s.say('[3 OK 99.0.2.5 Killed.]\r\n');
    await s.say('[2 ERR 120.0.5.14 (DELIVERED=0) (REFUSED=0) (UNKNOWN=0) Pull stopped.]\r\n');
    await assert.rejects(pulled, isCode('ABORTED'));
    await assert.rejects(
      s.client.pull('message/body', ['a@x'], { signal: controller.signal }),
      isCode('ABORTED'),
    );
  });

  test('ids are sent in requests of at most idsPerRequest, one after another', async () => {
    const s = await client();
    const pulled = s.client.pull('message/envelope', ['a', 'b', 'c', 'd', 'e'], {
      idsPerRequest: 2,
    });
    for (const [tag, count] of [
      [2, 2],
      [3, 2],
      [4, 1],
    ] as const) {
      await flush();
      await s.say(`[${tag} OK 120.0.2.0 (DELIVERED=0) (REFUSED=0) (UNKNOWN=${count}) None.]\r\n`);
    }
    const result = await pulled;
    assert.equal(result.unknown, 5);
    assert.deepEqual(s.wire.lines(), [
      '[2 PULL a b message/envelope]',
      '[3 PULL c d message/envelope]',
      '[4 PULL e message/envelope]',
    ]);
  });

  test('pipelined, two PULL requests are in flight at once; outcomes keep the order asked', async () => {
    const s = await client();
    const opt = s.client.opt([{ kind: 'option', name: 'PIPE', values: ['ON'] }]);
    await s.say('[2 OK 99.0.2.2 (PIPE OK 110.0.2.2 On.) Options accepted.]\r\n');
    await opt;
    s.wire.clear();
    const pulled = s.client.pull('message/envelope', ['a', 'b', 'c'], { idsPerRequest: 1 });
    await flush();
    assert.deepEqual(s.wire.lines(), [
      '[3 PULL a message/envelope]',
      '[4 PULL b message/envelope]',
    ]);
    await s.say('[4 OK 120.0.2.0 (DELIVERED=0) (REFUSED=0) (UNKNOWN=1) None.]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines().slice(2), ['[5 PULL c message/envelope]']);
    await s.say('[1 XFER c message/envelope {1} {0} (PULL=5)]\r\n');
    await s.chunk(1, 'x');
    await s.say('[5 OK 120.0.2.0 (DELIVERED=1) (REFUSED=0) (UNKNOWN=0) One.]\r\n');
    await s.say('[3 OK 120.0.2.0 (DELIVERED=0) (REFUSED=0) (UNKNOWN=1) None.]\r\n');
    const result = await pulled;
    assert.deepEqual(
      [...result.outcomes],
      [
        ['a', 'unknown'],
        ['b', 'unknown'],
        ['c', 'delivered'],
      ],
    );
  });

  test('a refused PULL request stops the others: no new request starts, the error comes out', async () => {
    const s = await client();
    const pulled = s.client.pull('message/envelope', ['a', 'b'], { idsPerRequest: 1 });
    await s.say('[2 ERR 120.0.5.30 Too many.]\r\n');
    await assert.rejects(pulled, isCode('REFUSED', '120.0.5.30'));
    assert.deepEqual(s.wire.lines(), ['[2 PULL a message/envelope]']);
  });

  test('ids that do not fit one line are split to the server MAXLINE', async () => {
    const s = await scriptedClientLoggedIn(
      '[* TMP 99.0.3.1 (VER=1.0) (MAXLINE=200) Hi.]\r\n',
      '(MBOX)',
    );
    const ids = Array.from({ length: 40 }, (_, i) => `message-${String(i).padStart(3, '0')}@x`);
    const deleted = s.client.dele(ids);
    await flush();
    const first = s.wire.lines();
    assert.equal(first.length, 1);
    assert.ok((first[0]?.length ?? 0) + 2 <= 200, first[0]);
    let tag = 2;
    let sent = 0;
    while (sent < ids.length) {
      const line = s.wire.lines().at(-1) ?? '';
      const count = line.split(' ').length - 2;
      sent += count;
      await s.say(`[${tag} OK 120.0.2.0 (EXPUNGED=${count}) Gone.]\r\n`);
      await flush();
      tag++;
    }
    assert.equal(await deleted, 40);
    for (const line of s.wire.lines()) assert.ok(line.length + 2 <= 200, line);
  });

  test('bad arguments fail before anything is sent', async () => {
    const s = await client();
    for (const [part, ids] of [
      ['message/headers', []],
      ['message/headers', ['a@x', 'a@x']],
      ['message/headers', ['has space']],
      ['message/whole', ['a@x']],
    ] as const) {
      await assert.rejects(s.client.pull(part as 'message/headers', ids), isCode('BAD_PARAMETERS'));
    }
    await assert.rejects(
      s.client.pull('message/headers', ['a@x'], { idsPerRequest: 0 }),
      isCode('BAD_PARAMETERS'),
    );
    assert.deepEqual(s.wire.lines(), []);
  });
});

describe('FLAG and DELE, client side', () => {
  test('FLAG sends +flag and -flag and resolves with the entry the server sent', async () => {
    const s = await client();
    const flagged = s.client.flag('m1@x', ['seen'], ['flagged']);
    assert.deepEqual(s.wire.lines(), ['[2 FLAG m1@x +seen -flagged]']);
    await s.say('[2 OK 120.0.2.0 (MSG=m1@x;1;8;3;4;5;seen) Flags set.]\r\n');
    assert.deepEqual(await flagged, {
      msgId: 'm1@x',
      uid: 1,
      modseq: 8,
      partSizes: { envelope: 3, headers: 4, body: 5 },
      flags: ['seen'],
      expunged: false,
    });
  });

  for (const [why, answer] of [
    ['no entry', '[2 OK 120.0.2.0 Flags set.]'],
    ['another message', '[2 OK 120.0.2.0 (MSG=m2@x;1;8;3;4;5;seen) Flags set.]'],
    ['a tombstone', '[2 OK 120.0.2.0 (GONE=m1@x;1;8) Flags set.]'],
    ['two entries', '[2 OK 120.0.2.0 (MSG=m1@x;1;8;3;4;5) (MSG=m1@x;1;8;3;4;5) Set.]'],
  ] as const) {
    test(`a FLAG answer with ${why} fails MALFORMED_RESPONSE`, async () => {
      const s = await client();
      const flagged = s.client.flag('m1@x', ['seen']);
      await s.say(`${answer}\r\n`);
      await assert.rejects(flagged, isCode('MALFORMED_RESPONSE'));
    });
  }

  test('FLAG of an unknown message is REFUSED 120.0.5.27; bad flags fail before sending', async () => {
    const s = await client();
    const flagged = s.client.flag('m1@x', ['seen']);
    await s.say('[2 ERR 120.0.5.27 No message m1@x.]\r\n');
    await assert.rejects(flagged, isCode('REFUSED', '120.0.5.27'));
    s.wire.clear();
    for (const [add, remove] of [
      [[], []],
      [['seen'], ['seen']],
      [['recent'], []],
      [['seen', 'seen'], []],
    ] as const) {
      await assert.rejects(
        s.client.flag('m1@x', add as readonly MailboxFlag[], remove),
        isCode('BAD_PARAMETERS'),
      );
    }
    assert.deepEqual(s.wire.lines(), []);
  });

  test('DELE resolves with EXPUNGED; a count over the ids asked, or none, is MALFORMED_RESPONSE', async () => {
    const s = await client();
    const deleted = s.client.dele(['a@x', 'b@x']);
    assert.deepEqual(s.wire.lines(), ['[2 DELE a@x b@x]']);
    await s.say('[2 OK 120.0.2.0 (EXPUNGED=1) Expunged 1.]\r\n');
    assert.equal(await deleted, 1);
    const over = s.client.dele(['a@x']);
    await s.say('[3 OK 120.0.2.0 (EXPUNGED=2) Expunged 2.]\r\n');
    await assert.rejects(over, isCode('MALFORMED_RESPONSE'));
    const none = s.client.dele(['a@x']);
    await s.say('[4 OK 120.0.2.0 Expunged.]\r\n');
    await assert.rejects(none, isCode('MALFORMED_RESPONSE'));
    await assert.rejects(s.client.dele([]), isCode('BAD_PARAMETERS'));
  });
});

describe('PULL packs, client side', () => {
  /** A logged-in client whose server offers packs (`(MBOX=PACK)`). */
  async function packingClient(options: Partial<ClientSessionOptions> = {}) {
    const s = await scriptedClientLoggedIn(GREETING, '(PIPE) (MBOX=PACK)', options);
    return {
      ...s,
      chunk: (tag: number, data: string) => s.client.receive(encodeChunk(tag, text.encode(data))),
    };
  }

  test('asks (PACK=n) when offered; each part of a pack is handed over as it completes, across chunks', async () => {
    const s = await packingClient();
    const parts: string[] = [];
    const pulled = s.client.pull('message/envelope', ['a@x', 'b;%x', 'c@x'], {
      packBytes: 100,
      onPart: (id, bytes) => {
        parts.push(`${id}=${new TextDecoder().decode(bytes)}`);
      },
    });
    assert.deepEqual(s.wire.lines(), ['[2 PULL a@x b;%x c@x message/envelope (PACK=100)]']);
    await s.say('[1 XFER * message/envelope {8} {0} (PULL=2) (PACK=3,a@x;5,b%3B%25x)]\r\n');
    await s.chunk(1, 'abcd');
    assert.deepEqual(parts, ['a@x=abc'], 'the first part before the pack is complete');
    await s.chunk(1, 'efgh');
    await s.say('[2 XFER c@x message/envelope {2} {0} (PULL=2)]\r\n');
    await s.chunk(2, 'xy');
    await s.say('[2 OK 120.0.2.0 (DELIVERED=3) (REFUSED=0) (UNKNOWN=0) Pulled.]\r\n');
    const result = await pulled;
    assert.deepEqual(parts, ['a@x=abc', 'b;%x=defgh', 'c@x=xy']);
    assert.deepEqual(s.wire.codes().slice(0, 2), ['1 TMP 99.0.3.5', '1 OK 99.0.2.3']);
    assert.deepEqual([result.delivered, result.refused, result.unknown], [3, 0, 0]);
  });

  test('without (MBOX=PACK) in HELO the PULL asks for no packs', async () => {
    const s = await client();
    const pulled = s.client.pull('message/envelope', ['a@x'], { packBytes: 100 });
    assert.deepEqual(s.wire.lines(), ['[2 PULL a@x message/envelope]']);
    await s.say('[2 OK 120.0.2.0 (DELIVERED=0) (REFUSED=0) (UNKNOWN=1) Pulled.]\r\n');
    await pulled;
    await assert.rejects(
      s.client.pull('message/envelope', ['a@x'], { packBytes: 0 }),
      isCode('BAD_PARAMETERS'),
    );
  });

  test('hostile packs are refused whole, with their own codes; the counts then agree', async () => {
    const s = await packingClient({ limits: { maxPartBytes: 50 } });
    const pulled = s.client.pull(
      'message/body',
      ['a@x', 'b@x', 'c@x', 'd@x', 'e@x', 'f@x', 'g@x', 'h@x'],
      { packBytes: 20, accept: (id) => id !== 'g@x' },
    );
    const xfer = (tag: number, size: number, pack: string, id = '*') =>
      s.say(`[${tag} XFER ${id} message/body {${size}} {0} (PULL=2) (PACK=${pack})]\r\n`);
    await xfer(1, 3, '3,a@x', 'a@x'); // a pack's msg-id is *
    await xfer(2, 3, 'x,a@x'); // no size
    await xfer(3, 3, '0,a@x;3,a@x'); // a size of 0
    await xfer(4, 3, '3,z@x'); // not asked for
    await xfer(5, 6, '3,a@x;3,a@x'); // a@x twice
    await xfer(6, 7, '3,a@x;3,b@x'); // sizes add up to 6
    await xfer(7, 30, '15,a@x;15,b@x'); // over the 20 asked
    await xfer(8, 51, '51,c@x'); // one part over maxPartBytes
    await xfer(9, 4, '2,d@x;2,e@x');
    await s.chunk(9, 'abcde'); // more than announced
    await xfer(10, 4, '2,f@x;2,g@x'); // g@x refused by accept: f@x too
    await s.say('[11 XFER * message/body {4} {0} (PULL=2)]\r\n'); // * without a PACK list
    assert.deepEqual(s.wire.codes(), [
      '1 ERR 99.0.5.4',
      '2 ERR 99.0.5.4',
      '3 ERR 99.0.5.4',
      '4 ERR 99.0.5.4',
      '5 ERR 99.0.5.4',
      '6 ERR 99.0.5.4',
      '7 ERR 99.0.5.11',
      '8 ERR 99.0.5.11',
      '9 TMP 99.0.3.8',
      '9 ERR 99.0.5.24',
      '10 ERR 99.0.5.23',
      '11 ERR 99.0.5.4',
    ]);
    await s.say('[2 OK 120.0.2.0 (DELIVERED=0) (REFUSED=7) (UNKNOWN=1) Pulled.]\r\n');
    const result = await pulled;
    assert.deepEqual(
      [...result.outcomes].filter(([, outcome]) => outcome !== 'refused'),
      [['h@x', 'unknown']],
    );
  });

  test('a pack when none was asked for is refused: 99.0.5.4', async () => {
    const s = await packingClient();
    const pulled = s.client.pull('message/body', ['a@x']);
    await s.say('[1 XFER * message/body {1} {0} (PULL=2) (PACK=1,a@x)]\r\n');
    assert.deepEqual(s.wire.codes(), ['1 ERR 99.0.5.4']);
    await s.say('[2 OK 120.0.2.0 (DELIVERED=0) (REFUSED=0) (UNKNOWN=1) Pulled.]\r\n');
    await pulled;
  });
});
