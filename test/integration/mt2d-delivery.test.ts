// alice@alpha.test sends to bob@alpha.test through a real `mt2d serve` process over TLS;
// the message is committed once (a retry too), traced, and its signature and trace chain
// verify at the other end.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  IdentityValidator,
  caStoreOf,
  parseCertificates,
  readPrivateKey,
  verifyMessage,
  verifyTraceChain,
} from '../../src/identity/index.ts';
import { decodeEnvelope } from '../../src/message/index.ts';
import { option, readTraceOption } from '../../src/protocol/index.ts';
import { MessageStore } from '../../src/server/index.ts';
import {
  connectUser,
  alphaWithAliceAndBob,
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
  ({ alpha, alice, bob } = await alphaWithAliceAndBob());
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

    // bob lists, pulls the headers without the body, then the body.
    const reader = (await connectUser(server, bob, { hostname: alpha.hostname })).session;
    assert.ok(reader.offered.includes('MBOX'), 'mailbox access is offered to a user');
    const listing = await reader.list(0);
    const entry = listing.entries.find((e) => e.msgId === message.msgId);
    assert.ok(entry !== undefined);
    assert.equal(listing.entries.filter((e) => e.msgId === message.msgId).length, 1);
    assert.equal(entry.partSizes.headers, message.parts.headers.length);
    assert.equal(entry.partSizes.body, message.parts.body.length);
    const pulled = new Map<string, Uint8Array>();
    const take = (part: string) => (msgId: string, bytes: Uint8Array) => {
      pulled.set(`${part} ${msgId}`, bytes);
    };
    await reader.pull('message/envelope', [message.msgId], { onPart: take('envelope') });
    await reader.pull('message/headers', [message.msgId], { onPart: take('headers') });
    assert.equal(pulled.has(`body ${message.msgId}`), false, 'headers come without the body');
    const bodyResult = await reader.pull('message/body', [message.msgId], { onPart: take('body') });
    assert.equal(bodyResult.delivered, 1);
    const envelope = decodeEnvelope(pulled.get(`envelope ${message.msgId}`) ?? new Uint8Array());
    const headers = pulled.get(`headers ${message.msgId}`) ?? new Uint8Array();
    const body = pulled.get(`body ${message.msgId}`) ?? new Uint8Array();
    assert.ok(Buffer.from(headers).equals(message.parts.headers), 'headers byte for byte');
    assert.ok(Buffer.from(body).equals(message.parts.body), 'body byte for byte');
    const validator = new IdentityValidator({
      store: caStoreOf(parseCertificates(bob.caCertificate.raw), true),
    });
    const verification = await verifyMessage({ envelope, headers, body }, validator, new Date());
    assert.equal(verification.valid, true, JSON.stringify(verification.failures));
    const chain = await verifyTraceChain(envelope, validator, new Date());
    assert.equal(chain.valid, true, JSON.stringify(chain.failure));
    assert.deepEqual(
      envelope.trace.map((t) => t.host),
      [alpha.hostname],
    );

    // alice cannot read bob's mailbox through her own session.
    const other = (await connectUser(server, alice, { hostname: alpha.hostname })).session;
    const stolen = await other.pull('message/body', [message.msgId]);
    assert.equal(stolen.unknown, 1);
    await other.quit();

    // FLAG and DELE persist across a restart.
    const flagged = await reader.flag(message.msgId, ['seen']);
    assert.deepEqual(flagged.flags, ['seen']);
    assert.equal(await reader.dele([message.msgId]), 1);
    await reader.quit();
    await server.stop();
    const store = await MessageStore.open(`${alpha.dir}/store`);
    try {
      const stored = store.list('bob@alpha.test').entries.find((e) => e.msgId === message.msgId);
      assert.equal(stored?.expunged, true);
    } finally {
      await store.close();
      server = await startMt2dProcess(alpha.dir);
    }
  });
});

describe('mt2d with an RSA host key (trace entries signed on worker threads)', () => {
  test('the message is committed and its trace entry verifies', async () => {
    const rsa = await initMt2dDir('alpha.test', 'mt2.alpha.test', 'rsa');
    try {
      const hostKey = readPrivateKey(await readFile(join(rsa.dir, 'host', 'host.key')));
      assert.equal(hostKey.asymmetricKeyType, 'rsa');
      const [sender, reader] = await Promise.all([
        makeUser(rsa.dir, 'alice@alpha.test'),
        makeUser(rsa.dir, 'bob@alpha.test'),
      ]);
      const rsaServer = await startMt2dProcess(rsa.dir);
      try {
        const { session } = await connectUser(rsaServer, sender, { hostname: rsa.hostname });
        const message = await buildSignedMessage(
          {
            from: sender.address,
            to: [reader.address],
            subject: 'RSA',
            text: 'Signed by a worker.',
          },
          sender.credentials,
        );
        assert.equal((await session.transferMessage(message.msgId, message.parts)).committed, true);
        await session.quit();
        const pulling = (await connectUser(rsaServer, reader, { hostname: rsa.hostname })).session;
        let stored: Uint8Array | undefined;
        await pulling.pull('message/envelope', [message.msgId], {
          onPart: (_msgId, bytes) => {
            stored = bytes;
          },
        });
        await pulling.quit();
        assert.ok(stored !== undefined);
        const envelope = decodeEnvelope(stored);
        const validator = new IdentityValidator({
          store: caStoreOf(parseCertificates(reader.caCertificate.raw), true),
        });
        const chain = await verifyTraceChain(envelope, validator, new Date());
        assert.equal(chain.valid, true, JSON.stringify(chain.failure));
      } finally {
        await rsaServer.stop();
      }
    } finally {
      await rsa.remove();
    }
  });
});
