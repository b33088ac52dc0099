// Two real `mt2d serve` processes, alpha.test and beta.test, each trusting the other's
// CA: alice@alpha.test sends to bob@beta.test through her server, which relays to beta
// over a host session. Beta is down at first (the relay retries), then up. A message
// beta refuses for good comes back to alice as a signed error report.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  IdentityValidator,
  caStoreOf,
  parseCertificates,
  verifyErrorReport,
  verifyMessage,
  verifyTraceChain,
} from '../../src/identity/index.ts';
import { decodeEnvelope } from '../../src/message/index.ts';
import {
  MessageStore,
  dataDirLayout,
  readConfig,
  writeConfig,
  type ServerConfig,
} from '../../src/server/index.ts';
import {
  connectUser,
  initMt2dDir,
  makeUser,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestUser,
} from '../helpers/mt2d-process.ts';
import { freePort } from '../helpers/servers.ts';
import { buildSignedMessage } from '../helpers/signed-message.ts';

let alphaDir: Mt2dDir;
let betaDir: Mt2dDir;
let alice: TestUser;
let bob: TestUser;
let alpha: Mt2dProcess | undefined;
let beta: Mt2dProcess | undefined;
let betaPort: number;
let validator: IdentityValidator;

async function configure(dir: string, change: (config: ServerConfig) => ServerConfig) {
  const path = dataDirLayout(dir).config;
  await writeConfig(path, change(await readConfig(path)));
}

before(async () => {
  [alphaDir, betaDir] = await Promise.all([initMt2dDir('alpha.test'), initMt2dDir('beta.test')]);
  const alphaCa = dataDirLayout(alphaDir.dir).caCertificate;
  const betaCa = dataDirLayout(betaDir.dir).caCertificate;
  await configure(alphaDir.dir, (config) => ({
    ...config,
    trust: { ...config.trust, caFiles: [betaCa] },
    relay: { ...config.relay, initialRetryDelayMs: 300, maxRetryDelayMs: 600 },
  }));
  await configure(betaDir.dir, (config) => ({
    ...config,
    trust: { ...config.trust, caFiles: [alphaCa] },
    // bob takes mail from alpha.test without postage; others at beta would want stamps.
    whitelists: { 'bob@beta.test': ['@alpha.test'] },
  }));
  [alice, bob] = await Promise.all([
    makeUser(alphaDir.dir, 'alice@alpha.test'),
    makeUser(betaDir.dir, 'bob@beta.test'),
  ]);
  validator = new IdentityValidator({
    store: caStoreOf(
      [...parseCertificates(alice.caCertificate.raw), ...parseCertificates(bob.caCertificate.raw)],
      true,
    ),
  });
  betaPort = await freePort();
  alpha = await startMt2dProcess(alphaDir.dir, { routes: [`beta.test=127.0.0.1:${betaPort}`] });
});

after(async () => {
  await alpha?.stop();
  await beta?.stop();
  await Promise.all([alphaDir.remove(), betaDir.remove()]);
});

/** alice sends one message to `to` through alpha; returns its id once alpha committed it. */
async function aliceSends(to: string, subject: string): Promise<string> {
  assert.ok(alpha !== undefined);
  const connection = await connectUser(alpha, alice, { hostname: alphaDir.hostname });
  try {
    const message = await buildSignedMessage(
      { from: alice.address, to: [to], subject, text: `${subject}, from alice.` },
      alice.credentials,
    );
    const result = await connection.session.transferMessage(message.msgId, message.parts);
    assert.equal(result.committed, true);
    await connection.session.quit();
    return message.msgId;
  } finally {
    connection.destroy();
  }
}

/** Opens a stopped server's store, runs `look`, closes it. */
async function withStore<T>(dir: string, look: (store: MessageStore) => Promise<T>): Promise<T> {
  const store = await MessageStore.open(dataDirLayout(dir).store);
  try {
    return await look(store);
  } finally {
    await store.close();
  }
}

test('beta down, then up: alpha retries and bob gets the message with a two-hop trace', async () => {
  assert.ok(alpha !== undefined);
  const msgId = await aliceSends(bob.address, 'Across domains');
  await alpha.waitFor((e) => e.event === 'relay.deferred' && e['msgId'] === msgId);
  const retry = await alpha.waitFor((e) => e.event === 'relay.retry-scheduled');
  assert.equal(retry['domain'], 'beta.test');

  beta = await startMt2dProcess(betaDir.dir, { port: betaPort });
  await alpha.waitFor((e) => e.event === 'relay.delivered' && e['msgId'] === msgId);
  await beta.waitFor((e) => e.event === 'delivered' && e['msgId'] === msgId);
  const connected = alpha.events.find((e) => e.event === 'relay.connected');
  assert.equal(connected?.['peer'], betaDir.hostname);

  await beta.stop();
  beta = undefined;
  await withStore(betaDir.dir, async (store) => {
    const inBox = store.list(bob.address).entries.filter((e) => e.msgId === msgId);
    assert.equal(inBox.length, 1, 'bob has it once');
    const envelope = decodeEnvelope(await store.readPart(msgId, 'envelope'));
    const headers = await store.readPart(msgId, 'headers');
    const body = await store.readPart(msgId, 'body');
    const signature = await verifyMessage({ envelope, headers, body }, validator, new Date());
    assert.equal(signature.valid, true, JSON.stringify(signature.failures));
    const trace = await verifyTraceChain(envelope, validator, new Date());
    assert.equal(trace.valid, true, JSON.stringify(trace.failure));
    assert.deepEqual(
      envelope.trace.map((entry) => entry.host),
      [alphaDir.hostname, betaDir.hostname],
    );
    assert.equal(store.list('relay:beta.test').entries.length, 0, 'beta relays nothing on');
  });
});

test('a permanent refusal at beta: alice gets a signed error report', async () => {
  assert.ok(alpha !== undefined);
  beta = await startMt2dProcess(betaDir.dir, { port: betaPort });
  const msgId = await aliceSends('nobody@beta.test', 'To nobody');
  const failed = await alpha.waitFor((e) => e.event === 'relay.failed' && e['msgId'] === msgId);
  assert.match(String(failed['code']), /^99\.0\.5\./);
  assert.equal(failed['to'], alice.address);

  await alpha.stop();
  alpha = undefined;
  await withStore(alphaDir.dir, async (store) => {
    const reports = [];
    for (const entry of store.list(alice.address).entries) {
      const envelope = decodeEnvelope(await store.readPart(entry.msgId, 'envelope'));
      if (envelope.errorReport?.messageId === msgId) reports.push(envelope);
    }
    assert.equal(reports.length, 1, 'one report');
    const [report] = reports;
    assert.ok(report !== undefined);
    assert.equal(report.sender, 'mt2d@alpha.test');
    const verification = await verifyErrorReport(report, validator, new Date());
    assert.equal(verification.valid, true, JSON.stringify(verification.failures));
    assert.deepEqual(
      report.errorReport?.results.map((result) => [result.recipient, result.code]),
      [['nobody@beta.test', failed['code']]],
    );
    const queued = store.list('relay:beta.test').entries.filter((e) => !e.expunged);
    assert.deepEqual(queued, [], 'the refused message left the queue');
  });
});
