// alice@alpha.test sends to bob@alpha.test through a real `mt2d serve` process over TLS;
// the message is committed once (a retry too), traced, and its signature and trace chain
// verify at the other end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  IdentityValidator,
  caStoreOf,
  parseCertificates,
  verifyMessage,
  verifyTraceChain,
} from '../../src/identity/index.ts';
import { decodeEnvelope } from '../../src/message/index.ts';
import { option, readTraceOption } from '../../src/protocol/index.ts';
import { MessageStore } from '../../src/server/index.ts';
import {
  connectUser,
  initMt2dDir,
  makeUser,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestUser,
} from '../helpers/mt2d-process.ts';
import { buildSignedMessage } from '../helpers/signed-message.ts';

let alpha: Mt2dDir;
let server: Mt2dProcess;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  alpha = await initMt2dDir('alpha.test');
  [alice, bob] = await Promise.all([
    makeUser(alpha.dir, 'alice@alpha.test'),
    makeUser(alpha.dir, 'bob@alpha.test'),
  ]);
  server = await startMt2dProcess(alpha.dir);
});

after(async () => {
  await server.stop();
  await alpha.remove();
});

describe('mt2d: delivery between two users of one domain', () => {
  test('alice sends to bob: committed once, traced, signature and trace verify', async () => {
    const connection = await connectUser(server, alice, { hostname: alpha.hostname });
    const { session } = connection;
    const opt = await session.opt([option('TRACE', 'ON')]);
    assert.equal(opt.ok, true);
    const message = await buildSignedMessage(
      { from: alice.address, to: [bob.address], subject: 'Lunch?', text: 'At noon.' },
      alice.credentials,
    );
    const first = await session.transferMessage(message.msgId, message.parts);
    assert.equal(first.committed, true);
    const hops = readTraceOption(first.options);
    assert.deepEqual(
      hops?.map((hop) => hop.host),
      [alpha.hostname],
    );
    const retry = await session.transferMessage(message.msgId, message.parts);
    assert.equal(retry.committed, true, 'a retried transfer is answered as committed');
    assert.deepEqual(readTraceOption(retry.options), hops, 'the retry reports the stored trace');
    const status = await session.stat(message.msgId);
    assert.equal(status.state, 'committed');
    await session.quit();
    await server.waitFor((e) => e.event === 'delivered' && e['msgId'] === message.msgId);

    // Look at what was stored, with the process stopped (the store is locked while it runs).
    await server.stop();
    const store = await MessageStore.open(`${alpha.dir}/store`);
    try {
      const entries = store.list('bob@alpha.test').entries;
      assert.equal(entries.filter((e) => e.msgId === message.msgId).length, 1);
      const envelope = decodeEnvelope(await store.readPart(message.msgId, 'envelope'));
      const headers = await store.readPart(message.msgId, 'headers');
      const body = await store.readPart(message.msgId, 'body');
      assert.ok(Buffer.from(headers).equals(message.parts.headers), 'headers byte for byte');
      assert.ok(Buffer.from(body).equals(message.parts.body), 'body byte for byte');
      const validator = new IdentityValidator({
        store: caStoreOf(parseCertificates(alice.caCertificate.raw), true),
      });
      const verification = await verifyMessage({ envelope, headers, body }, validator, new Date());
      assert.equal(verification.valid, true, JSON.stringify(verification.failures));
      const chain = await verifyTraceChain(envelope, validator, new Date());
      assert.equal(chain.valid, true, JSON.stringify(chain.failure));
      assert.equal(envelope.trace.length, 1);
    } finally {
      await store.close();
      server = await startMt2dProcess(alpha.dir);
    }
  });
});
