import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { once } from 'node:events';
import {
  Mt2Error,
  RESULT,
  connectMt2,
  createMt2Server,
  option,
  pipeExtension,
  statExtension,
  type Mt2Connection,
  type Mt2Server,
} from '../../src/protocol/index.ts';
import { MemoryStore } from '../helpers/memory-store.ts';
import {
  issuedBy,
  makeThrowawayPki,
  type Issued,
  type ThrowawayPki,
} from '../helpers/throwaway-pki.ts';

const text = new TextEncoder();
let pki: ThrowawayPki;
let server: Mt2Server;
const stores: MemoryStore[] = [];

before(async () => {
  pki = makeThrowawayPki();
  server = await createMt2Server({
    identity: { key: pki.server.key, cert: pki.server.cert },
    hooksFor: () => {
      const store = new MemoryStore();
      store.helo = ({ certificate }) =>
        issuedBy(pki.ca, certificate)
          ? { accept: true, trusted: true, identity: 'alice@example.test' }
          : { accept: false, code: RESULT.CERTIFICATE_UNTRUSTED };
      stores.push(store);
      return store;
    },
    extensionsFor: () => [pipeExtension(), statExtension(() => undefined)],
  });
});

after(async () => {
  await server.close();
});

function connect(user: Issued): Promise<Mt2Connection> {
  return connectMt2({
    host: '127.0.0.1',
    servername: 'localhost',
    port: server.port,
    identity: { key: user.key, cert: user.cert },
    checkServerCertificate: (der) => {
      if (!issuedBy(pki.ca, der)) throw new Error('server certificate not issued by the test CA');
    },
    extensions: [pipeExtension()],
  });
}

const isCode = (code: string, result?: string) => (error: unknown) =>
  error instanceof Mt2Error &&
  error.code === code &&
  (result === undefined || error.result === result);

function message(i: number) {
  return {
    envelope: text.encode(`<envelope n="${i}"/>`),
    headers: text.encode(`<headers n="${i}"/>`),
    body: new Uint8Array(4096).fill(i % 251),
  };
}

describe('MT2 over TLS 1.3 on loopback, two real endpoints', () => {
  test('HELO with the TLS client certificate is accepted; the server certificate was checked', async () => {
    const { session, serverCertificate } = await connect(pki.alice);
    assert.ok(issuedBy(pki.ca, serverCertificate));
    const result = await session.helo(new Uint8Array([...pki.alice.der, ...pki.ca.der]));
    assert.equal(result.code, RESULT.HELO_ACCEPTED);
    assert.deepEqual(result.offered, ['PIPE', 'STAT']);
    await session.quit();
  });

  test('a HELO certificate that differs from the TLS client certificate is refused (99.0.5.16)', async () => {
    const { session } = await connect(pki.alice);
    await assert.rejects(
      session.helo(pki.mallory.der),
      isCode('REFUSED', RESULT.CERTIFICATE_MISMATCH),
    );
    assert.equal(session.state, 'anonymous');
    await session.quit();
  });

  test('a certificate the handed-in check rejects is refused with its code', async () => {
    const { session } = await connect(pki.stranger);
    await assert.rejects(
      session.helo(pki.stranger.der),
      isCode('REFUSED', RESULT.CERTIFICATE_UNTRUSTED),
    );
    await session.quit();
  });

  test('a TLS client without a certificate cannot pass HELO (99.0.5.16)', async () => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: server.port,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    });
    await once(socket, 'secureConnect');
    const received: string[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk.toString('latin1')));
    const der = pki.alice.der;
    socket.write(`[1 HELO {${der.length}}]\r\n{1 ${der.length}}\r\n`);
    socket.write(der);
    const answer = await waitFor(() => /\[1 (OK|ERR) [^\]]*\]/.exec(received.join(''))?.[0]);
    assert.match(answer, /^\[1 ERR 99\.0\.5\.16 /);
    socket.destroy();
  });

  test('TLS below 1.3 is refused at the handshake', async () => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: server.port,
      rejectUnauthorized: false,
      maxVersion: 'TLSv1.2',
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('secureConnect', () => {
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        resolve(error.code ?? 'error');
      });
    });
    assert.match(outcome, /PROTOCOL_VERSION|VERSION/);
    socket.destroy();
  });

  test('a client that refuses the server certificate fails with TLS_FAILED', async () => {
    await assert.rejects(
      connectMt2({
        host: '127.0.0.1',
        port: server.port,
        identity: { key: pki.alice.key, cert: pki.alice.cert },
        checkServerCertificate: () => {
          throw new Error('not the host I wanted');
        },
      }),
      isCode('TLS_FAILED'),
    );
  });

  test('100 three-part messages synchronous, then OPT PIPE=ON and 100 pipelined', async () => {
    const { session } = await connect(pki.alice);
    await session.helo(pki.alice.der);
    const store = stores[stores.length - 1];
    assert.ok(store);
    for (let i = 0; i < 100; i++) {
      const result = await session.transferMessage(`s${i}@example.test`, message(i));
      assert.equal(result.committed, true);
    }
    const opt = await session.opt([option('PIPE', 'ON')]);
    assert.equal(opt.ok, true);
    assert.equal(session.mode, 'pipelined');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        session.transferMessage(`p${i}@example.test`, message(i)),
      ),
    );
    assert.ok(results.every((r) => r.committed));
    assert.equal(store.committed.size, 200);
    for (const id of ['s0', 's99', 'p0', 'p57', 'p99']) {
      const n = Number(id.slice(1));
      const stored = store.committed.get(`${id}@example.test`);
      assert.equal(
        new TextDecoder().decode(stored?.get('message/envelope')),
        `<envelope n="${n}"/>`,
      );
      assert.ok(
        Buffer.from(message(n).body).equals(stored?.get('message/body') ?? new Uint8Array()),
      );
    }
    await session.quit();
  });

  test('ABOR in the middle of a body: the message is discarded, the session goes on', async () => {
    const { session } = await connect(pki.alice);
    await session.helo(pki.alice.der);
    const store = stores[stores.length - 1];
    assert.ok(store);
    const controller = new AbortController();
    const body = new Uint8Array(4 * 1024 * 1024).fill(0x62);
    let sentWhenAborted = 0;
    const transfer = session.transferMessage(
      'abor@example.test',
      { envelope: text.encode('<e/>'), headers: text.encode('<h/>'), body },
      {
        signal: controller.signal,
        onProgress: (sent) => {
          if (sent >= 256 * 1024 && !controller.signal.aborted) {
            sentWhenAborted = sent;
            controller.abort();
          }
        },
      },
    );
    await assert.rejects(transfer, isCode('ABORTED', RESULT.TRANSFER_ABORTED));
    assert.ok(sentWhenAborted > 0 && sentWhenAborted < body.length);
    assert.deepEqual(store.aborted, [['abor@example.test', 'aborted']]);
    assert.equal(store.committed.size, 0);
    assert.equal(await session.noop(), RESULT.OK);
    const again = await session.transferMessage('abor@example.test', message(1));
    assert.equal(again.committed, true);
    await session.quit();
  });

  test('a client that drops its connection mid-body: the server discards the message', async () => {
    const storesBefore = stores.length;
    const connection = await connect(pki.alice);
    const { session } = connection;
    await session.helo(pki.alice.der);
    const store = await waitFor(() => stores[storesBefore]);
    await session.transferMessage('kept@example.test', message(3));
    const body = new Uint8Array(2 * 1024 * 1024);
    const transfer = session.transferMessage(
      'dropped@example.test',
      { envelope: text.encode('<e/>'), headers: text.encode('<h/>'), body },
      {
        onProgress: (sent) => {
          if (sent >= 512 * 1024) connection.destroy();
        },
      },
    );
    await assert.rejects(transfer, isCode('SESSION_CLOSED'));
    const reason = await waitFor(() => store.closedWith);
    assert.equal(reason.code, 'SESSION_CLOSED');
    assert.deepEqual(store.aborted, [['dropped@example.test', 'closed']]);
    assert.deepEqual([...store.committed.keys()], ['kept@example.test']);
    assert.equal(store.open.size, 0);
  });

  test('a peer that drops the connection mid-part: the partial message is discarded, nothing half-committed', async () => {
    const pemKey = pki.alice.key;
    const storesBefore = stores.length;
    const socket = tls.connect({
      host: '127.0.0.1',
      port: server.port,
      key: pemKey,
      cert: pki.alice.cert,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    });
    await once(socket, 'secureConnect');
    const received: string[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk.toString('latin1')));
    const store = await waitFor(() => stores[storesBefore]);
    store.controlMessages.add('whole@x');
    const der = pki.alice.der;
    socket.write(`[1 HELO {${der.length}}]\r\n{1 ${der.length}}\r\n`);
    socket.write(der);
    socket.write('[2 XFER whole@x message/envelope {3} {0}]\r\n{2 3}\r\nctl');
    socket.write('[3 XFER cut@x message/envelope {3} {0}]\r\n{3 3}\r\nenv');
    socket.write('[4 XFER cut@x message/headers {3} {0}]\r\n{4 3}\r\nhdr');
    socket.write('[5 XFER cut@x message/body {100000} {0}]\r\n{5 1000}\r\n');
    socket.write(Buffer.alloc(1000, 0x62));
    await waitFor(() => (received.join('').includes('[4 OK') ? true : undefined));
    socket.destroy();
    const reason = await waitFor(() => store.closedWith);
    assert.equal(reason.code, 'SESSION_CLOSED');
    assert.deepEqual(store.aborted, [['cut@x', 'closed']]);
    assert.deepEqual([...store.committed.keys()], ['whole@x']);
    assert.equal(store.open.size, 0);
  });
});

describe('server shutdown over TLS', () => {
  test('the client hears the unsolicited [* ERR 99.0.4.4] and its session closes', async () => {
    const local = await createMt2Server({
      identity: { key: pki.server.key, cert: pki.server.cert },
      hooksFor: () => new MemoryStore(),
    });
    const { session } = await connectMt2({
      host: '127.0.0.1',
      port: local.port,
      identity: { key: pki.alice.key, cert: pki.alice.cert },
      checkServerCertificate: () => undefined,
    });
    await session.helo(pki.alice.der);
    const heard: string[] = [];
    session.on('unsolicited', (response) => heard.push(`${response.status} ${response.code}`));
    const closed = new Promise<Mt2Error>((resolve) => session.on('close', resolve));
    await local.close();
    assert.equal((await closed).code, 'SESSION_CLOSED');
    assert.deepEqual(heard, [`ERR ${RESULT.SHUTTING_DOWN}`]);
    assert.equal(session.state, 'closed');
  });
});

/** Waits (event loop turns, no timed assertion) until `probe` yields a value. */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
