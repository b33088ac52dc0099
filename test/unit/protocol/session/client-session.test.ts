import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ClientSession,
  Mt2Error,
  encodeChunk,
  option,
  pipeExtension,
  type Mt2Request,
  type Mt2Response,
} from '../../../../src/protocol/index.ts';
import { MemoryStore } from '../../../helpers/memory-store.ts';
import {
  Wire,
  fakeCertificate,
  scriptedClient,
  scriptedClientLoggedIn,
  sessionPair,
  text,
} from '../../../helpers/session-harness.ts';

const GREETING = '[* TMP 99.0.3.1 (VER=1.0) (MAXCHUNK=4) (MAXFLIGHT=8) Hi there.]\r\n';
const flush = () => new Promise(setImmediate);

const scriptClient = (options: { incoming?: MemoryStore } = {}) =>
  scriptedClient({ extensions: [pipeExtension()], ...options });
const loggedIn = (options: { incoming?: MemoryStore } = {}) =>
  scriptedClientLoggedIn(GREETING, '(PIPE)', { extensions: [pipeExtension()], ...options });

const isCode = (code: string, result?: string) => (error: unknown) =>
  error instanceof Mt2Error &&
  error.code === code &&
  (result === undefined || error.result === result);

describe('client session', () => {
  test('the greeting sets the state and the server limits the client keeps to', async () => {
    const s = scriptClient();
    assert.equal(s.client.state, 'awaiting-greeting');
    await assert.rejects(() => s.client.helo(fakeCertificate(1)), isCode('WRONG_STATE'));
    await s.say(GREETING);
    const greeting = await s.client.greeting;
    assert.equal(greeting.limits.maxChunkBytes, 4);
    assert.equal(greeting.text, 'Hi there.');
    assert.deepEqual(greeting.options[0], { kind: 'option', name: 'VER', values: ['1.0'] });
    assert.equal(s.client.state, 'anonymous');
  });

  test('a greeting ERR closes the session and rejects the greeting', async () => {
    const s = scriptClient();
    await s.say('[* ERR 99.0.4.4 Shutting down.]\r\n');
    await assert.rejects(() => s.client.greeting, isCode('REFUSED', '99.0.4.4'));
    assert.equal(s.client.state, 'closed');
  });

  test('HELO sends the certificate chain as chunks only after TMP, and learns the offered extensions', async () => {
    const s = scriptClient();
    await s.say(GREETING);
    const cert = fakeCertificate(7, 6);
    const helo = s.client.helo(cert);
    assert.deepEqual(s.wire.lines(), ['[1 HELO {8}]']);
    await s.say('[1 TMP 99.0.3.2 Friend or foe!]\r\n');
    await flush();
    assert.deepEqual(s.wire.lines(), ['[1 HELO {8}]', '{1 4}', '{1 4}']);
    await s.say('[1 OK 99.0.2.1 (BAR) (STAT) Greetings friend.]\r\n');
    assert.deepEqual((await helo).offered, ['BAR', 'STAT']);
    assert.equal(s.client.state, 'authenticated');
  });

  test('a refused HELO rejects with the server code and returns to anonymous', async () => {
    const s = scriptClient();
    await s.say(GREETING);
    const helo = s.client.helo(fakeCertificate(1));
    await s.say('[1 ERR 99.0.5.16 Not your certificate.]\r\n');
    await assert.rejects(helo, isCode('REFUSED', '99.0.5.16'));
    assert.equal(s.client.state, 'anonymous');
  });

  test('OPT returns in-band results; a granted PIPE=ON switches the client to pipelined', async () => {
    const s = await loggedIn();
    const result = s.client.opt([
      option('PIPE', 'ON'),
      { kind: 'option', name: 'BAZ', values: ['FOO', 'BAR'] },
    ]);
    assert.deepEqual(s.wire.lines(), ['[2 OPT (PIPE=ON) (BAZ=FOO;BAR)]']);
    await s.say('[2 ERR 99.0.5.0 (PIPE OK 110.0.2.2) (BAZ ERR 99.0.5.9 Unknown.)]\r\n');
    const answer = await result;
    assert.equal(answer.ok, false);
    assert.deepEqual(
      answer.results.map((r) => `${r.name} ${r.status} ${r.code}`),
      ['PIPE OK 110.0.2.2', 'BAZ ERR 99.0.5.9'],
    );
    assert.equal(s.client.mode, 'pipelined');
  });

  test('responses out of order resolve the right requests; TMP does not finish a request', async () => {
    const s = await loggedIn();
    const first = s.client.noop();
    const second = s.client.noop();
    const third = s.client.stat('m@x');
    await s.say('[4 OK 111.0.2.0 (STATE=committed) (PARTS=message/envelope) Fine.]\r\n');
    await s.say('[3 OK 99.0.2.0 second]\r\n[2 OK 99.0.2.0 first]\r\n');
    assert.deepEqual(await third, {
      state: 'committed',
      parts: ['message/envelope'],
      text: 'Fine.',
    });
    assert.equal(await second, '99.0.2.0');
    assert.equal(await first, '99.0.2.0');
  });

  test('unsolicited * responses and server requests come as events; NOOP from the server is answered', async () => {
    const s = await loggedIn();
    const unsolicited: Mt2Response[] = [];
    const requests: Mt2Request[] = [];
    s.client.on('unsolicited', (r) => unsolicited.push(r));
    const stop = s.client.on('request', (r) => requests.push(r));
    await s.say('[* ERR 99.0.4.4 Going down soon.]\r\n[1 NOOP]\r\n[2 PULL x]\r\n');
    stop();
    await s.say('[3 NOOP]\r\n');
    assert.deepEqual(
      unsolicited.map((r) => r.code),
      ['99.0.4.4'],
    );
    assert.deepEqual(
      requests.map((r) => r.verb),
      ['NOOP', 'PULL'],
    );
    assert.deepEqual(s.wire.codes(), ['1 OK 99.0.2.0', '2 ERR 99.0.5.3', '3 OK 99.0.2.0']);
  });

  test('a response to a tag never sent means the sides are out of sync: the session closes', async () => {
    const s = await loggedIn();
    const closed: Mt2Error[] = [];
    s.client.on('close', (e) => closed.push(e));
    const pending = s.client.noop();
    await s.say('[1 OK 99.0.2.0 late and stray]\r\n'); // tag 1 was HELO, long answered: tolerated
    assert.equal(s.client.state, 'authenticated');
    await s.say('[9 OK 99.0.2.0]\r\n');
    assert.deepEqual(s.wire.codes(), ['* ERR 99.0.5.25']);
    await assert.rejects(pending, isCode('OUT_OF_SYNC'));
    assert.deepEqual(
      closed.map((e) => e.code),
      ['OUT_OF_SYNC'],
    );
  });

  test('XFER splits a part into fragments and chunks (the server MAXCHUNK applies)', async () => {
    const s = await loggedIn();
    const done = s.client.xfer('m@x', 'message/envelope', text.encode('0123456789'), {
      fragmentBytes: 6,
    });
    await flush();
    assert.deepEqual(s.wire.lines(), ['[2 XFER m@x message/envelope {6} {1}]']);
    await s.say('[2 TMP 99.0.3.5 Go ahead.]\r\n');
    await flush();
    await s.say('[2 OK 99.0.2.3]\r\n');
    await flush();
    await s.say('[3 TMP 99.0.3.5]\r\n');
    await flush();
    await s.say('[3 OK 99.0.2.4]\r\n');
    assert.deepEqual(await done, { code: '99.0.2.4', text: '', committed: true, options: [] });
    assert.deepEqual(s.wire.lines(), [
      '[2 XFER m@x message/envelope {6} {1}]',
      '{2 4}',
      '{2 2}',
      '[3 XFER m@x message/envelope {4} {0}]',
      '{3 4}',
    ]);
  });

  test('pipelined: the data follows XFER at once; a delayed ERR after the data rejects', async () => {
    const s = await loggedIn();
    const granted = s.client.opt([option('PIPE', 'ON')]);
    await s.say('[2 OK 99.0.2.2 (PIPE OK 110.0.2.2)]\r\n');
    await granted;
    s.wire.clear();
    const first = s.client.xfer('a@x', 'message/envelope', text.encode('123456'));
    const second = s.client.xfer('b@x', 'message/envelope', text.encode('xy'));
    await flush();
    assert.deepEqual(s.wire.lines(), [
      '[3 XFER a@x message/envelope {6} {0}]',
      '{3 4}',
      '[4 XFER b@x message/envelope {2} {0}]',
      '{4 2}',
      '{3 2}', // the two transfers interleave, no TMP awaited
    ]);
    await s.say('[4 TMP 99.0.3.5]\r\n[4 ERR 99.0.5.23 Spam.]\r\n[3 TMP 99.0.3.5]\r\n');
    await s.say('[3 OK 99.0.2.4]\r\n');
    assert.equal((await first).committed, true);
    await assert.rejects(second, isCode('REFUSED', '99.0.5.23'));
  });

  test('a pre-transfer refusal sends no data and rejects with the code', async () => {
    const s = await loggedIn();
    const done = s.client.xfer('m@x', 'message/envelope', text.encode('abc'));
    await flush();
    await s.say('[2 ERR 99.0.5.23 Invalid sender certificate.]\r\n');
    await assert.rejects(done, isCode('REFUSED', '99.0.5.23'));
    assert.deepEqual(s.wire.lines(), ['[2 XFER m@x message/envelope {3} {0}]']);
  });

  test('limits the client checks itself: part and message size, line length, empty parts', async () => {
    const s = scriptClient();
    await s.say('[* TMP 99.0.3.1 (MAXPART=4) (MAXMSG=6) (MAXLINE=64)]\r\n');
    await s.say(''); // nothing
    const helo = s.client.helo(fakeCertificate(1));
    await s.say('[1 TMP 99.0.3.2]\r\n');
    await flush();
    await s.say('[1 OK 99.0.2.1]\r\n');
    await helo;
    await assert.rejects(
      () => s.client.xfer('m@x', 'message/envelope', new Uint8Array(5)),
      isCode('PART_TOO_LARGE'),
    );
    await assert.rejects(
      () =>
        s.client.transferMessage('m@x', { envelope: new Uint8Array(4), body: new Uint8Array(3) }),
      isCode('MESSAGE_TOO_LARGE'),
    );
    await assert.rejects(
      () => s.client.xfer('m@x', 'message/envelope', new Uint8Array(0)),
      isCode('BAD_PARAMETERS'),
    );
    s.wire.clear();
    await assert.rejects(
      () =>
        s.client.transferMessage('m@x', { envelope: new Uint8Array(1), body: new Uint8Array(5) }),
      isCode('PART_TOO_LARGE'),
    );
    assert.deepEqual(s.wire.lines(), []); // nothing of the message was sent
    await assert.rejects(() => s.client.stat('x'.repeat(80)), isCode('LINE_TOO_LONG'));
  });

  test('an XFER from the server is refused without incoming hooks, stored with them', async () => {
    const bare = await loggedIn();
    await bare.say('[1 XFER m@x message/headers {2} {0}]\r\n');
    assert.deepEqual(bare.wire.codes(), ['1 ERR 99.0.5.23']);

    const store = new MemoryStore();
    store.controlMessages.add('m@x');
    const s = await loggedIn({ incoming: store });
    await s.say('[1 XFER m@x message/envelope {2} {0}]\r\n');
    await s.client.receive(encodeChunk(1, text.encode('ok')));
    assert.deepEqual(s.wire.codes(), ['1 TMP 99.0.3.5', '1 OK 99.0.2.4']);
    assert.equal(
      new TextDecoder().decode(store.committed.get('m@x')?.get('message/envelope')),
      'ok',
    );
  });

  test('the server may ABOR its own XFER mid-part; the client discards it; a bad ABOR is refused', async () => {
    const store = new MemoryStore();
    const s = await loggedIn({ incoming: store });
    await s.say('[1 XFER m@x message/envelope {4} {0}]\r\n');
    await s.client.receive(encodeChunk(1, text.encode('ab')));
    await s.say('[2 ABOR=1]\r\n[3 ABOR {1}]\r\n[4 ABOR x]\r\n');
    assert.deepEqual(s.wire.codes(), [
      '1 TMP 99.0.3.5',
      '2 OK 99.0.2.5',
      '1 ERR 99.0.5.14',
      '3 ERR 99.0.5.15',
      '4 ERR 99.0.5.4',
    ]);
    assert.deepEqual(store.aborted, [['m@x', 'aborted']]);
  });

  test('QUIT closes the session; later verbs fail with SESSION_CLOSED', async () => {
    const s = await loggedIn();
    const quit = s.client.quit();
    assert.equal(s.client.state, 'closing');
    await s.say('[2 OK 99.0.2.6 Goodbye.]\r\n');
    await quit;
    assert.equal(s.client.state, 'closed');
    assert.equal(s.wire.closed, true);
    await assert.rejects(() => s.client.noop(), isCode('SESSION_CLOSED'));
  });

  test('more unanswered requests than maxInFlight fail locally with TOO_MANY_IN_FLIGHT', async () => {
    const s = await loggedIn(); // the server announced MAXFLIGHT=8
    const pending = Array.from({ length: 8 }, () => s.client.noop());
    await assert.rejects(() => s.client.noop(), isCode('TOO_MANY_IN_FLIGHT'));
    const abor = s.client.abor(2); // never held back: it must cut transfers in a full window
    await s.say('[10 ERR 99.0.5.15]\r\n');
    await assert.rejects(abor, isCode('REFUSED', '99.0.5.15'));
    for (let tag = 2; tag < 10; tag++) await s.say(`[${tag} OK 99.0.2.0]\r\n`);
    assert.equal((await Promise.all(pending)).length, 8);
  });

  test('the client has an idle timeout too: pending requests fail with IDLE_TIMEOUT', async () => {
    const fired: (() => void)[] = [];
    const wire = new Wire();
    const client = new ClientSession({
      io: {
        send: (bytes) => {
          wire.push(bytes);
        },
        close: () => {
          wire.closed = true;
        },
      },
      limits: { idleTimeoutMs: 50 },
      timers: {
        setTimeout: (fn) => fired.push(fn),
        clearTimeout: () => undefined,
      },
    });
    await client.receive(text.encode(GREETING));
    const pending = client.noop();
    fired.at(-1)?.();
    await assert.rejects(pending, isCode('IDLE_TIMEOUT'));
    assert.deepEqual(wire.codes(), ['* ERR 99.0.4.2']);
    assert.equal(wire.closed, true);
  });

  test('a dropped connection fails pending requests with SESSION_CLOSED', async () => {
    const s = await loggedIn();
    const pending = s.client.noop();
    await s.client.end();
    await assert.rejects(pending, isCode('SESSION_CLOSED'));
  });
});

describe('client and server sessions together (in memory)', () => {
  test('HELO, OPT PIPE=ON, three-part messages synchronous and pipelined, STAT, QUIT', async () => {
    const { client, server, store, tlsCertificate, toServer } = sessionPair();
    await client.greeting;
    await client.helo(tlsCertificate);
    const body = new Uint8Array(200_000).fill(0x62);
    const sync = await client.transferMessage(
      's1@x',
      { envelope: text.encode('<e/>'), headers: text.encode('<h/>'), body },
      { fragmentBytes: 70_000 },
    );
    assert.equal(sync.committed, true);
    assert.deepEqual(
      toServer.lines().filter((l) => l.includes('XFER')),
      [
        '[2 XFER s1@x message/envelope {4} {0}]',
        '[3 XFER s1@x message/headers {4} {0}]',
        '[4 XFER s1@x message/body {70000} {2}]',
        '[5 XFER s1@x message/body {70000} {1}]',
        '[6 XFER s1@x message/body {60000} {0}]',
      ],
    );
    assert.equal((await client.opt([option('PIPE', 'ON')])).ok, true);
    assert.equal(server.mode, 'pipelined');
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}@x`);
    await Promise.all(
      ids.map((id) =>
        client.transferMessage(id, {
          envelope: text.encode(`<e id="${id}"/>`),
          headers: text.encode('<h/>'),
          body: text.encode(`body of ${id}`),
        }),
      ),
    );
    assert.equal(store.committed.size, 21);
    assert.equal(
      new TextDecoder().decode(store.committed.get('p7@x')?.get('message/body')),
      'body of p7@x',
    );
    assert.ok(
      Buffer.from(body).equals(
        store.committed.get('s1@x')?.get('message/body') ?? new Uint8Array(),
      ),
    );
    assert.equal((await client.stat('p7@x')).state, 'committed');
    await client.quit();
    assert.equal(server.state, 'closed');
  });

  test('ABOR mid-part through an AbortSignal: the message is discarded and the session goes on', async () => {
    const { client, store, tlsCertificate, toServer } = sessionPair();
    await client.greeting;
    await client.helo(tlsCertificate);
    const controller = new AbortController();
    const body = new Uint8Array(65536 * 4);
    const done = client.transferMessage(
      'a@x',
      { envelope: text.encode('<e/>'), headers: text.encode('<h/>'), body },
      {
        onProgress: (sent) => {
          if (sent >= 65536 * 2) controller.abort();
        },
        signal: controller.signal,
      },
    );
    await assert.rejects(done, isCode('ABORTED', '99.0.5.14'));
    assert.deepEqual(store.aborted, [['a@x', 'aborted']]);
    assert.equal(store.committed.size, 0);
    assert.ok(toServer.lines().includes('[5 ABOR=4]'));
    assert.equal(await client.noop(), '99.0.2.0');
  });

  test('pipelined transfers keep to the server MAXFLIGHT: 50 messages through 2 slots', async () => {
    const { client, server, store, tlsCertificate } = sessionPair(
      {},
      { limits: { maxInFlight: 2 } },
    );
    await client.greeting;
    await client.helo(tlsCertificate);
    await client.opt([option('PIPE', 'ON')]);
    let most = 0;
    store.permit = () => {
      most = Math.max(most, server.transfersInFlight + 1);
      return { accept: true };
    };
    const parts = { envelope: text.encode('e'), headers: text.encode('h'), body: text.encode('b') };
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.transferMessage(`m${i}@x`, parts)),
    );
    assert.equal(store.committed.size, 50);
    assert.ok(most <= 2, `${most} transfers in flight`);
  });

  test('a pipelined refusal of the envelope fails the message; the others still commit', async () => {
    const { client, store, tlsCertificate } = sessionPair();
    store.permit = (f) =>
      f.msgId === 'bad@x' ? { accept: false, code: '99.0.5.23', text: 'No.' } : { accept: true };
    await client.greeting;
    await client.helo(tlsCertificate);
    await client.opt([option('PIPE', 'ON')]);
    const parts = { envelope: text.encode('e'), headers: text.encode('h'), body: text.encode('b') };
    const results = await Promise.allSettled([
      client.transferMessage('ok1@x', parts),
      client.transferMessage('bad@x', parts),
      client.transferMessage('ok2@x', parts),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual([...store.committed.keys()].sort(), ['ok1@x', 'ok2@x']);
  });
});
