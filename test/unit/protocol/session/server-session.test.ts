import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_CHUNK_BYTES,
  RESULT,
  SESSION_TRANSITIONS,
  type CompleteVerdict,
  type SessionTimers,
  type TransferExtension,
} from '../../../../src/protocol/index.ts';
import { fakeCertificate, scriptServer, text } from '../../../helpers/session-harness.ts';

const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);

describe('greeting and gate', () => {
  test('the greeting is unsolicited TMP 99.0.3.1 with the version and every limit', () => {
    const { wire, server } = scriptServer();
    assert.equal(server.state, 'anonymous');
    assert.deepEqual(wire.lines(), [
      '[* TMP 99.0.3.1 (VER=1.0) (MAXLINE=8192) (MAXCHUNK=65536) (MAXPART=33554432) (MAXMSG=67108864) (MAXCERT=65536) (MAXFLIGHT=64) (IDLE=300000) MT2 ready.]',
    ]);
  });

  test('unknown verbs, wrong states and non-increasing tags are refused; the session goes on', async () => {
    const s = scriptServer();
    s.wire.clear();
    await s.send('[1 FROB]\r\n[2 XFER m@x message/envelope {1} {0}]\r\n[2 NOOP]\r\n[3 NOOP]\r\n');
    await s.send('[4 STAT m@x]\r\n');
    assert.deepEqual(s.wire.codes(), [
      '1 ERR 99.0.5.3',
      '2 ERR 99.0.5.5',
      '2 ERR 99.0.5.6',
      '3 OK 99.0.2.0',
      '4 ERR 99.0.5.3', // STAT is not offered before HELO
    ]);
  });

  test('a malformed line gets ERR with its tag when readable, else *, and good lines are served after', async () => {
    const s = scriptServer();
    s.wire.clear();
    await s.send('[5 NOOP (]\r\ngarbage\r\n[6 OK 99.0.5.0]\r\n[7 NOOP]\r\n');
    assert.deepEqual(s.wire.codes(), [
      '5 ERR 99.0.5.1',
      '* ERR 99.0.5.1',
      '* ERR 99.0.5.1',
      '7 OK 99.0.2.0',
    ]);
  });

  test('a too-long line gets 99.0.5.2 and the session survives', async () => {
    const s = scriptServer();
    s.wire.clear();
    await s.send(`[8 NOOP ${'x'.repeat(9000)}]\r\n[9 NOOP]\r\n`);
    assert.deepEqual(s.wire.codes(), ['8 ERR 99.0.5.2', '9 OK 99.0.2.0']);
  });

  test('a chunk over maxChunkBytes is fatal: ERR 99.0.5.7 and the session closes', async () => {
    const s = scriptServer();
    s.wire.clear();
    await s.send(`{3 ${MAX_CHUNK_BYTES + 1}}\r\n[4 NOOP]\r\n`);
    assert.deepEqual(s.wire.codes(), ['* ERR 99.0.5.7']);
    assert.equal(s.server.state, 'closed');
    assert.equal(s.wire.closed, true);
    assert.equal(s.store.closedWith?.code, 'CHUNK_TOO_LARGE');
  });

  test('data for no granted transfer gets 99.0.5.8', async () => {
    const s = scriptServer();
    await s.login();
    s.wire.clear();
    await s.chunk(9, bytes(3));
    assert.deepEqual(s.wire.codes(), ['* ERR 99.0.5.8']);
  });

  test('the transition table matches the diagram', () => {
    assert.deepEqual(SESSION_TRANSITIONS.authenticated, ['closing', 'closed']);
    assert.ok(SESSION_TRANSITIONS.identifying.includes('anonymous'));
    assert.deepEqual(SESSION_TRANSITIONS.closed, []);
  });
});

describe('HELO', () => {
  test('HELO {n}: TMP 99.0.3.2, the chain as data, OK 99.0.2.1 listing the offered extensions', async () => {
    const s = scriptServer();
    s.wire.clear();
    const chain = new Uint8Array([...s.tlsCertificate, ...fakeCertificate(9)]);
    await s.send(`[1 HELO {${chain.length}}]\r\n`);
    assert.equal(s.server.state, 'identifying');
    await s.chunk(1, chain.subarray(0, 10));
    await s.chunk(1, chain.subarray(10));
    assert.deepEqual(s.wire.lines(), [
      '[1 TMP 99.0.3.2 Send certificate data.]',
      '[1 OK 99.0.2.1 (PIPE) (STAT) Greetings, identity accepted.]',
    ]);
    assert.deepEqual(s.store.events, ['helo 2']);
    assert.equal(s.server.state, 'authenticated');
  });

  test('a HELO certificate other than the TLS client certificate is refused with 99.0.5.16', async () => {
    const s = scriptServer();
    s.wire.clear();
    const other = fakeCertificate(2);
    await s.send(`[1 HELO {${other.length}}]\r\n`);
    await s.chunk(1, other);
    assert.deepEqual(s.wire.codes(), ['1 TMP 99.0.3.2', '1 ERR 99.0.5.16']);
    assert.deepEqual(s.store.events, []);
    assert.equal(s.server.state, 'anonymous');
  });

  test('without a TLS client certificate HELO is refused unless plaintext was configured', async () => {
    const cert = fakeCertificate(1);
    for (const [options, expected] of [
      [{ tlsCertificate: null }, '1 ERR 99.0.5.16'],
      [{ tlsCertificate: null, requireTlsCertificate: false }, '1 OK 99.0.2.1'],
    ] as const) {
      const s = scriptServer(options);
      s.wire.clear();
      await s.send(`[1 HELO {${cert.length}}]\r\n`);
      await s.chunk(1, cert);
      assert.equal(s.wire.codes()[1], expected);
    }
  });

  test('malformed certificate data, refusal by the hook, oversize and extra data are refused', async () => {
    const malformed = scriptServer();
    await malformed.send('[1 HELO {3}]\r\n');
    await malformed.chunk(1, bytes(3));
    assert.equal(malformed.wire.codes().at(-1), '1 ERR 99.0.5.22');

    const refused = scriptServer();
    refused.store.helo = () => ({ accept: false, code: RESULT.CERTIFICATE_EXPIRED });
    await refused.login();
    assert.equal(refused.wire.codes().at(-1), '1 ERR 99.0.5.17');
    assert.equal(refused.server.state, 'anonymous');

    const big = scriptServer({ limits: { maxCertificateBytes: 100 } });
    await big.send('[1 HELO {101}]\r\n[2 HELO {100}]\r\n');
    assert.deepEqual(big.wire.codes().slice(1), ['1 ERR 99.0.5.11', '2 TMP 99.0.3.2']);
    await big.chunk(2, bytes(101));
    assert.equal(big.wire.codes().at(-1), '2 ERR 99.0.5.24');
  });
});

describe('OPT and the extension point', () => {
  test('OPT answers each extension in-band; unknown ones make the whole OPT ERR 99.0.5.0', async () => {
    const s = scriptServer();
    await s.login();
    s.wire.clear();
    await s.send('[2 OPT (PIPE=ON) (BAZ=FOO;BAR) (URG)]\r\n');
    assert.deepEqual(s.wire.lines(), [
      '[2 ERR 99.0.5.0 (PIPE OK 110.0.2.2 Pipelining on.) (BAZ ERR 99.0.5.9 Unknown.) (URG ERR 99.0.5.10 Not offered.) Command failed.]',
    ]);
    assert.equal(s.server.mode, 'pipelined');
    await s.send('[3 OPT (PIPE=OFF)]\r\n[4 OPT (PIPE=SIDEWAYS)]\r\n');
    assert.deepEqual(s.wire.codes().slice(1), ['3 OK 99.0.2.2', '4 ERR 99.0.5.0']);
    assert.equal(s.server.mode, 'synchronous');
  });

  test('PIPE is neither offered nor granted to an untrusted peer', async () => {
    const s = scriptServer();
    s.store.helo = () => ({ accept: true, trusted: false });
    await s.login();
    assert.equal(s.wire.lines().at(-1), '[1 OK 99.0.2.1 (STAT) Greetings, identity accepted.]');
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    assert.equal(
      s.wire.lines().at(-1),
      '[2 ERR 99.0.5.0 (PIPE ERR 110.0.5.10 Not offered.) Command failed.]',
    );
    assert.equal(s.server.mode, 'synchronous');
  });

  test('an extension adds a verb and an OPT name without touching the session', async () => {
    const echo: TransferExtension = {
      name: 'ECHO',
      namespace: '130',
      onOpt: (values) => ({ code: '130.0.2.2', text: `echo ${values.join(',')}` }),
      verbs: {
        ECHO(request, { endpoint, peer }) {
          const words = request.params.map((p) => String(p.value)).join(' ');
          endpoint.reply(request.tag, '130.0.2.0', `${words} from ${peer.identity ?? '?'}`);
        },
      },
    };
    const s = scriptServer({ extensions: [echo] });
    s.store.helo = () => ({ accept: true, trusted: false, identity: 'host.example' });
    await s.send('[1 ECHO a]\r\n');
    await s.send(`[2 HELO {${s.tlsCertificate.length}}]\r\n`);
    await s.chunk(2, s.tlsCertificate);
    s.wire.clear();
    await s.send('[3 ECHO hello {5}]\r\n[4 OPT (ECHO=x;y)]\r\n');
    assert.equal(s.wire.codes().length, 2);
    assert.deepEqual(s.wire.lines(), [
      '[3 OK 130.0.2.0 hello 5 from host.example]',
      '[4 OK 99.0.2.2 (ECHO OK 130.0.2.2 echo x,y) Options accepted.]',
    ]);
  });

  test('STAT, a verb added through the extension point, reports a committed message', async () => {
    const s = scriptServer();
    await s.login();
    await s.send('[2 XFER m1@x message/envelope {2} {0}]\r\n');
    await s.chunk(2, bytes(2));
    s.store.controlMessages.add('m2@x');
    await s.send('[3 XFER m2@x message/envelope {2} {0}]\r\n');
    await s.chunk(3, bytes(2));
    s.wire.clear();
    await s.send('[4 STAT m2@x]\r\n[5 STAT m1@x]\r\n[6 STAT]\r\n');
    assert.deepEqual(s.wire.lines(), [
      '[4 OK 111.0.2.0 (STATE=committed) (PARTS=message/envelope) Message committed.]',
      '[5 ERR 111.0.5.27 No such message.]',
      '[6 ERR 111.0.5.4 STAT msg-id]',
    ]);
  });
});

describe('XFER', () => {
  test('a three-part message, synchronous: TMP before data, OK per part, commit on the body', async () => {
    const s = scriptServer();
    await s.login();
    s.wire.clear();
    await s.send('[2 XFER m23@test.com message/envelope {5} {0}]\r\n');
    await s.chunk(2, text.encode('<env>'));
    await s.send('[3 XFER m23@test.com message/headers {5} {0}]\r\n');
    await s.chunk(3, text.encode('<hdr>'));
    await s.send('[4 XFER m23@test.com message/body {4} {0}]\r\n');
    assert.equal(s.store.committed.size, 0);
    await s.chunk(4, text.encode('body'));
    assert.deepEqual(s.wire.codes(), [
      '2 TMP 99.0.3.5',
      '2 OK 99.0.2.3',
      '3 TMP 99.0.3.6',
      '3 OK 99.0.2.3',
      '4 TMP 99.0.3.8',
      '4 OK 99.0.2.4',
    ]);
    const stored = s.store.committed.get('m23@test.com');
    assert.equal(new TextDecoder().decode(stored?.get('message/body')), 'body');
  });

  test('a fragmented part: each fragment has its permission and acknowledgement, pending counts down', async () => {
    const s = scriptServer();
    await s.login();
    await s.send('[2 XFER m@x message/envelope {1} {0}]\r\n');
    await s.chunk(2, bytes(1));
    await s.send('[3 XFER m@x message/headers {1} {0}]\r\n');
    await s.chunk(3, bytes(1));
    s.wire.clear();
    await s.send('[4 XFER m@x message/body {3} {2}]\r\n');
    await s.chunk(4, bytes(2, 0x41));
    await s.chunk(4, bytes(1, 0x42));
    await s.send('[5 XFER m@x message/body {2} {1}]\r\n');
    await s.chunk(5, bytes(2, 0x43));
    await s.send('[6 XFER m@x message/body {1} {0}]\r\n');
    await s.chunk(6, bytes(1, 0x44));
    assert.deepEqual(s.wire.codes(), [
      '4 TMP 99.0.3.8',
      '4 OK 99.0.2.3',
      '5 TMP 99.0.3.8',
      '5 OK 99.0.2.3',
      '6 TMP 99.0.3.8',
      '6 OK 99.0.2.4',
    ]);
    assert.equal(
      new TextDecoder().decode(s.store.committed.get('m@x')?.get('message/body')),
      'AABCCD',
    );
  });

  test('parts and fragments out of order, bad parameters and size overruns are refused', async () => {
    const s = scriptServer();
    await s.login();
    s.wire.clear();
    await s.send('[2 XFER a@x message/body {1} {0}]\r\n'); // body first
    await s.send('[3 XFER a@x message/trailer {1} {0}]\r\n');
    await s.send('[4 XFER a@x message/envelope {0} {0}]\r\n');
    await s.send('[5 XFER b@x message/envelope {4} {1}]\r\n');
    await s.chunk(5, bytes(4));
    await s.send('[6 XFER b@x message/envelope {4} {1}]\r\n'); // pending must be 0 now
    await s.send('[7 XFER c@x message/envelope {2} {0}]\r\n');
    await s.chunk(7, bytes(3)); // one octet too many
    assert.deepEqual(s.wire.codes(), [
      '2 ERR 99.0.5.13',
      '3 ERR 99.0.5.4',
      '4 ERR 99.0.5.4',
      '5 TMP 99.0.3.5',
      '5 OK 99.0.2.3',
      '6 ERR 99.0.5.13',
      '7 TMP 99.0.3.5',
      '7 ERR 99.0.5.24',
    ]);
    assert.deepEqual(s.store.aborted, [
      ['b@x', 'refused'],
      ['c@x', 'failed'],
    ]);
    await s.send('[8 XFER b@x message/headers {1} {0}]\r\n'); // b was refused: its later parts too
    assert.equal(s.wire.codes().at(-1), '8 ERR 99.0.5.23');
  });

  test('synchronous mode allows one transfer at a time', async () => {
    const s = scriptServer();
    await s.login();
    s.wire.clear();
    await s.send(
      '[2 XFER a@x message/envelope {2} {0}]\r\n[3 XFER b@x message/envelope {2} {0}]\r\n',
    );
    assert.deepEqual(s.wire.codes(), ['2 TMP 99.0.3.5', '3 ERR 99.0.5.5']);
  });

  test('pre-transfer refusal by the hook: ERR before any data, and the message is dropped', async () => {
    const s = scriptServer();
    s.store.permit = (f) =>
      f.part === 'message/body'
        ? { accept: false, code: RESULT.TRANSFER_REFUSED, text: 'Too big for you.' }
        : { accept: true };
    await s.login();
    await s.send('[2 XFER m@x message/envelope {1} {0}]\r\n');
    await s.chunk(2, bytes(1));
    await s.send('[3 XFER m@x message/headers {1} {0}]\r\n');
    await s.chunk(3, bytes(1));
    s.wire.clear();
    await s.send('[4 XFER m@x message/body {100} {0}]\r\n');
    assert.deepEqual(s.wire.lines(), ['[4 ERR 99.0.5.23 Too big for you.]']);
    assert.deepEqual(s.store.aborted, [['m@x', 'refused']]);
    assert.equal(s.store.committed.size, 0);
  });

  test('a failing store answers the transient 99.0.4.3 and drops the message', async () => {
    const s = scriptServer();
    await s.login();
    s.store.failWrites = true;
    s.wire.clear();
    await s.send('[2 XFER m@x message/envelope {1} {0}]\r\n');
    await s.chunk(2, bytes(1));
    assert.deepEqual(s.wire.codes(), ['2 TMP 99.0.3.5', '2 ERR 99.0.4.3']);
    assert.deepEqual(s.store.aborted, [['m@x', 'refused']]);
  });

  test('part and message size limits: at the limit accepted, one over refused', async () => {
    const s = scriptServer({ limits: { maxPartBytes: 10, maxMessageBytes: 15 } });
    await s.login();
    s.wire.clear();
    await s.send('[2 XFER a@x message/envelope {11} {0}]\r\n');
    await s.send('[3 XFER b@x message/envelope {6} {1}]\r\n');
    await s.chunk(3, bytes(6));
    await s.send('[4 XFER b@x message/envelope {5} {0}]\r\n'); // part would be 11
    await s.send('[5 XFER c@x message/envelope {10} {0}]\r\n');
    await s.chunk(5, bytes(10));
    await s.send('[6 XFER c@x message/headers {5} {0}]\r\n'); // message exactly 15
    await s.chunk(6, bytes(5));
    await s.send('[7 XFER c@x message/body {1} {0}]\r\n'); // message would be 16
    assert.deepEqual(s.wire.codes(), [
      '2 ERR 99.0.5.11',
      '3 TMP 99.0.3.5',
      '3 OK 99.0.2.3',
      '4 ERR 99.0.5.11',
      '5 TMP 99.0.3.5',
      '5 OK 99.0.2.3',
      '6 TMP 99.0.3.6',
      '6 OK 99.0.2.3',
      '7 ERR 99.0.5.12',
    ]);
  });

  test('pipelined: data follows XFER at once, many in flight, refusals discard their data, answers out of order', async () => {
    const s = scriptServer({ limits: { maxInFlight: 2 } });
    s.store.permit = (f) =>
      f.msgId === 'bad@x' ? { accept: false, code: RESULT.TRANSFER_REFUSED } : { accept: true };
    s.store.controlMessages.add('b@x');
    await s.login();
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    s.wire.clear();
    await s.send('[3 XFER a@x message/envelope {4} {0}]\r\n{3 2}\r\naa');
    await s.send('[4 XFER bad@x message/envelope {3} {0}]\r\n{4 3}\r\nbbb');
    await s.send('[5 XFER b@x message/envelope {2} {0}]\r\n{5 2}\r\nbb');
    await s.send('[6 XFER c@x message/envelope {2} {0}]\r\n'); // b is committed: a, c open
    await s.send('[7 XFER d@x message/envelope {2} {0}]\r\n'); // a and c in flight: over the limit
    await s.send('{7 2}\r\ndd{3 2}\r\naa');
    assert.deepEqual(s.wire.codes(), [
      '3 TMP 99.0.3.5',
      '4 ERR 99.0.5.23',
      '5 TMP 99.0.3.5',
      '5 OK 99.0.2.4',
      '6 TMP 99.0.3.5',
      '7 ERR 99.0.4.1',
      '3 OK 99.0.2.3',
    ]);
    assert.equal(s.server.transfersInFlight, 1);
  });

  test('pipelined: storing a fragment does not hold up reading the next; each OK waits for its own storage', async () => {
    const s = scriptServer({ limits: { maxInFlight: 4 } });
    const pending: (() => void)[] = [];
    const complete = s.store.onPartComplete.bind(s.store);
    s.store.onPartComplete = (fragment) =>
      new Promise<CompleteVerdict>((resolve) =>
        pending.push(() => {
          resolve(complete(fragment));
        }),
      );
    await s.login();
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    s.wire.clear();
    await s.send('[3 XFER a@x message/envelope {2} {0}]\r\n{3 2}\r\naa');
    await s.send('[4 XFER a@x message/headers {2} {0}]\r\n{4 2}\r\nhh');
    await s.send('[5 XFER a@x message/body {2} {0}]\r\n{5 2}\r\nbb');
    // All three fragments were read while none was stored yet; nothing acknowledged.
    assert.deepEqual(s.wire.codes(), ['3 TMP 99.0.3.5', '4 TMP 99.0.3.6', '5 TMP 99.0.3.8']);
    assert.equal(pending.length, 3);
    // In flight: three awaiting storage, so a fifth request over the limit of 4 waits its turn.
    await s.send('[6 XFER b@x message/envelope {1} {0}]\r\n{6 1}\r\nx');
    await s.send('[7 XFER c@x message/envelope {1} {0}]\r\n');
    assert.deepEqual(s.wire.codes().slice(3), ['6 TMP 99.0.3.5', '7 ERR 99.0.4.1']);
    for (const resolve of pending.splice(0)) resolve();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(s.wire.codes().slice(5, 8), [
      '3 OK 99.0.2.3',
      '4 OK 99.0.2.3',
      '5 OK 99.0.2.4',
    ]);
    assert.ok(s.store.committed.has('a@x'));
  });

  test('pipelined: a refused fragment drops the message even when later parts were already read', async () => {
    const s = scriptServer();
    const pending: (() => void)[] = [];
    s.store.onPartComplete = (fragment) =>
      new Promise<CompleteVerdict>((resolve) =>
        pending.push(() => {
          resolve(
            fragment.part === 'message/envelope'
              ? { accept: false, code: RESULT.TRANSFER_REFUSED }
              : { accept: true },
          );
        }),
      );
    await s.login();
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    s.wire.clear();
    await s.send('[3 XFER a@x message/envelope {2} {0}]\r\n{3 2}\r\naa');
    await s.send('[4 XFER a@x message/headers {2} {0}]\r\n{4 2}\r\nhh');
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    await s.send('[5 XFER a@x message/body {2} {0}]\r\n{5 2}\r\nbb');
    assert.deepEqual(s.wire.codes().slice(2), ['3 ERR 99.0.5.23', '5 ERR 99.0.5.23']);
    assert.deepEqual(s.store.aborted[0], ['a@x', 'refused']);
    assert.equal(s.store.committed.has('a@x'), false);
  });

  test('refused pipelined data is dropped silently; only 4 x maxInFlight such tags are remembered', async () => {
    const s = scriptServer({ limits: { maxInFlight: 1 } });
    s.store.permit = () => ({ accept: false, code: RESULT.TRANSFER_REFUSED });
    await s.login();
    await s.send('[2 OPT (PIPE=ON)]\r\n');
    for (let tag = 3; tag <= 8; tag++)
      await s.send(`[${tag} XFER m${tag}@x message/envelope {2} {0}]\r\n`);
    s.wire.clear();
    await s.chunk(8, bytes(2)); // remembered: dropped without a word
    await s.chunk(3, bytes(2)); // forgotten (the oldest): answered as unexpected
    assert.deepEqual(s.wire.codes(), ['* ERR 99.0.5.8']);
  });

  test('a store whose onAbort throws does not stop the session', async () => {
    const s = scriptServer();
    s.store.onAbort = () => {
      throw new Error('disk gone');
    };
    await s.login();
    await s.send('[2 XFER m@x message/envelope {2} {0}]\r\n');
    await s.chunk(2, bytes(3));
    await s.send('[3 NOOP]\r\n');
    assert.deepEqual(s.wire.codes().slice(-2), ['2 ERR 99.0.5.24', '3 OK 99.0.2.0']);
  });

  test('open messages are bounded by maxInFlight', async () => {
    const s = scriptServer({ limits: { maxInFlight: 1 } });
    await s.login();
    await s.send('[2 XFER a@x message/envelope {1} {0}]\r\n');
    await s.chunk(2, bytes(1));
    s.wire.clear();
    await s.send('[3 XFER b@x message/envelope {1} {0}]\r\n');
    assert.deepEqual(s.wire.codes(), ['3 ERR 99.0.4.1']);
  });
});

describe('ABOR, NOOP, QUIT, closing', () => {
  test('ABOR mid-part: OK for the ABOR, then ERR for the transfer; nothing is committed', async () => {
    const s = scriptServer();
    await s.login();
    await s.send('[2 XFER m23@test.com message/envelope {1} {0}]\r\n');
    await s.chunk(2, bytes(1));
    await s.send('[3 XFER m23@test.com message/headers {1} {0}]\r\n');
    await s.chunk(3, bytes(1));
    s.wire.clear();
    await s.send('[4 XFER m23@test.com message/body {59203} {0}]\r\n');
    await s.chunk(4, bytes(200));
    await s.send('[5 ABOR=4]\r\n');
    assert.deepEqual(s.wire.lines(), [
      '[4 TMP 99.0.3.8 Go ahead with message body.]',
      '[5 OK 99.0.2.5 Command number 4 killed.]',
      '[4 ERR 99.0.5.14 Transfer aborted.]',
    ]);
    assert.deepEqual(s.store.aborted, [['m23@test.com', 'aborted']]);
    assert.equal(s.store.committed.size, 0);
    // After ABOR the sender may start the message over.
    await s.send(
      '[6 XFER m23@test.com message/envelope {1} {0}]\r\n[7 ABOR {99}]\r\n[8 ABOR x]\r\n',
    );
    assert.deepEqual(s.wire.codes().slice(3), [
      '6 TMP 99.0.3.5',
      '7 ERR 99.0.5.15',
      '8 ERR 99.0.5.4',
    ]);
  });

  test('NOOP answers OK in every open state; QUIT says goodbye and closes', async () => {
    const s = scriptServer();
    s.wire.clear();
    await s.send('[1 NOOP]\r\n[2 QUIT]\r\n[3 NOOP]\r\n');
    assert.deepEqual(s.wire.codes(), ['1 OK 99.0.2.0', '2 OK 99.0.2.6']);
    assert.equal(s.server.state, 'closed');
    assert.equal(s.wire.closed, true);
  });

  test('a connection dropped mid-part discards the partial message; committed ones stay', async () => {
    const s = scriptServer();
    await s.login();
    s.store.controlMessages.add('done@x');
    await s.send('[2 XFER done@x message/envelope {1} {0}]\r\n');
    await s.chunk(2, bytes(1));
    await s.send('[3 XFER m@x message/envelope {1} {0}]\r\n');
    await s.chunk(3, bytes(1));
    await s.send('[4 XFER m@x message/headers {10} {0}]\r\n');
    await s.chunk(4, bytes(5));
    await s.server.end();
    assert.deepEqual(s.store.aborted, [['m@x', 'closed']]);
    assert.deepEqual([...s.store.committed.keys()], ['done@x']);
    assert.equal(s.store.open.size, 0);
    assert.equal(s.store.closedWith?.code, 'SESSION_CLOSED');
  });

  test('the idle timeout sends 99.0.4.2 and closes; input restarts it', async () => {
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    const fake: SessionTimers = {
      setTimeout: (fn, ms) => {
        const timer = { fn, ms, cleared: false };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        if (handle !== undefined) (handle as { cleared: boolean }).cleared = true;
      },
    };
    const s = scriptServer({ timers: fake, limits: { idleTimeoutMs: 1000 } });
    await s.send('[1 NOOP]\r\n');
    assert.equal(timers.length, 2);
    assert.equal(timers[0]?.cleared, true);
    assert.equal(timers[1]?.ms, 1000);
    s.wire.clear();
    timers[1].fn();
    await new Promise(setImmediate);
    assert.deepEqual(s.wire.codes(), ['* ERR 99.0.4.2']);
    assert.equal(s.server.state, 'closed');
    assert.equal(s.store.closedWith?.code, 'IDLE_TIMEOUT');
  });

  test('shutdown says 99.0.4.4 (retry later), closes, and discards what is not committed', async () => {
    const s = scriptServer();
    await s.login();
    await s.send('[2 XFER m@x message/envelope {4} {0}]\r\n');
    await s.chunk(2, bytes(1));
    s.wire.clear();
    await s.server.shutdown();
    assert.deepEqual(s.wire.codes(), ['* ERR 99.0.4.4']);
    assert.equal(s.wire.closed, true);
    assert.deepEqual(s.store.aborted, [['m@x', 'closed']]);
  });

  test('idleTimeoutMs 0 sets no timer', () => {
    const fake: SessionTimers = {
      setTimeout: () => assert.fail('no timer expected'),
      clearTimeout: () => undefined,
    };
    const s = scriptServer({ timers: fake, limits: { idleTimeoutMs: 0 } });
    assert.equal(s.server.state, 'anonymous');
  });
});
