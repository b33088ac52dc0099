// Two real `mt2d serve` processes, alpha.test and beta.test, each trusting the other's
// CA: alice@alpha.test sends to bob@beta.test through her server, which relays to beta
// over a host session. Beta is down at first (the relay retries), then up. A recipient
// written with a trailing dot reaches the same queue and mailbox. A message
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

/** What `user` pulls of `msgIds` from their mailbox on `server`: part name to octets. */
async function pullAll(
  server: Mt2dProcess,
  hostname: string,
  user: TestUser,
  msgIds: readonly string[],
  parts: readonly ('message/envelope' | 'message/headers' | 'message/body')[],
): Promise<Map<string, Uint8Array>> {
  const connection = await connectUser(server, user, { hostname });
  try {
    const pulled = new Map<string, Uint8Array>();
    for (const part of parts) {
      await connection.session.pull(part, msgIds, {
        onPart: (msgId, bytes) => {
          pulled.set(`${part} ${msgId}`, bytes);
        },
      });
    }
    await connection.session.quit();
    return pulled;
  } finally {
    connection.destroy();
  }
}

test('beta down, then up: alpha retries; bob lists and pulls it with a two-hop trace', async () => {
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

  const reader = await connectUser(beta, bob, { hostname: betaDir.hostname });
  const listing = await reader.session.list(0);
  await reader.session.quit();
  reader.destroy();
  assert.deepEqual(
    listing.entries.map((entry) => entry.msgId),
    [msgId],
    'bob has it once',
  );
  const pulled = await pullAll(
    beta,
    betaDir.hostname,
    bob,
    [msgId],
    ['message/envelope', 'message/headers', 'message/body'],
  );
  const envelope = decodeEnvelope(pulled.get(`message/envelope ${msgId}`) ?? new Uint8Array());
  const headers = pulled.get(`message/headers ${msgId}`) ?? new Uint8Array();
  const body = pulled.get(`message/body ${msgId}`) ?? new Uint8Array();
  const signature = await verifyMessage({ envelope, headers, body }, validator, new Date());
  assert.equal(signature.valid, true, JSON.stringify(signature.failures));
  const trace = await verifyTraceChain(envelope, validator, new Date());
  assert.equal(trace.valid, true, JSON.stringify(trace.failure));
  assert.deepEqual(
    envelope.trace.map((entry) => entry.host),
    [alphaDir.hostname, betaDir.hostname],
  );
  assert.deepEqual(envelope.recipients, [bob.address]);
});

test('a recipient domain with a trailing dot (bob@beta.test.) is relayed to beta.test', async () => {
  assert.ok(alpha !== undefined && beta !== undefined);
  const msgId = await aliceSends('bob@BETA.test.', 'Fully qualified');
  const delivered = await alpha.waitFor((e) => e.event === 'delivered' && e['msgId'] === msgId);
  assert.equal(delivered['relay'], 'beta.test', 'queued in relay:beta.test, where the relay looks');
  await alpha.waitFor((e) => e.event === 'relay.delivered' && e['msgId'] === msgId);
  const atBeta = await beta.waitFor((e) => e.event === 'delivered' && e['msgId'] === msgId);
  assert.equal(atBeta['local'], bob.address, "beta puts it into bob's mailbox");
  const reader = await connectUser(beta, bob, { hostname: betaDir.hostname });
  const listing = await reader.session.list(0);
  await reader.session.quit();
  reader.destroy();
  assert.ok(listing.entries.some((entry) => entry.msgId === msgId));
});

test('a permanent refusal at beta: alice pulls a signed error report', async () => {
  assert.ok(alpha !== undefined && beta !== undefined);
  const msgId = await aliceSends('nobody@beta.test', 'To nobody');
  const failed = await alpha.waitFor((e) => e.event === 'relay.failed' && e['msgId'] === msgId);
  assert.match(String(failed['code']), /^99\.0\.5\./);
  assert.equal(failed['to'], alice.address);
  const reportId = String(failed['report']);

  const pulled = await pullAll(alpha, alphaDir.hostname, alice, [reportId], ['message/envelope']);
  const report = decodeEnvelope(pulled.get(`message/envelope ${reportId}`) ?? new Uint8Array());
  assert.equal(report.control, true);
  assert.equal(report.sender, 'mt2d@alpha.test');
  const verification = await verifyErrorReport(report, validator, new Date());
  assert.equal(verification.valid, true, JSON.stringify(verification.failures));
  assert.deepEqual(
    report.errorReport?.results.map((result) => [result.recipient, result.code]),
    [['nobody@beta.test', failed['code']]],
  );
  assert.equal(report.errorReport.messageId, msgId);

  await alpha.stop();
  alpha = undefined;
  const store = await MessageStore.open(dataDirLayout(alphaDir.dir).store);
  try {
    const queued = store.list('relay:beta.test').entries.filter((e) => !e.expunged);
    assert.deepEqual(queued, [], 'both messages left the queue');
  } finally {
    await store.close();
  }
});
