// The relay against a real receiving host: TLS on loopback, real stores on disk, real
// certificates. alice@alpha.test's messages are queued in alpha's store as mt2d queues
// them (signed by alice, with alpha's trace entry) and relayed to beta.test.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import * as tls from 'node:tls';
import {
  appendTrace,
  certificatesToPem,
  createHostCredentials,
  privateKeyToPem,
  verifyErrorReport,
  verifyMessage,
  verifyTraceChain,
  type IdentityValidator,
} from '../../src/identity/index.ts';
import { decodeEnvelope, type Mt2Envelope } from '../../src/message/index.ts';
import { RESULT } from '../../src/protocol/index.ts';
import {
  MessageStore,
  Relay,
  StaticRoutes,
  RoutingTable,
  relayMailbox,
  sendErrorReport,
  type RelayLogFields,
  type RelayOptions,
  type RouteSource,
} from '../../src/server/index.ts';
import { startHostReceiver, type HostReceiver } from '../helpers/host-receiver.ts';
import { makeIntermediateCa } from '../helpers/intermediate-ca.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { aliceMessage, relayDomains, type RelayDomains } from '../helpers/relay-domains.ts';
import { freePort } from '../helpers/servers.ts';

let domains: RelayDomains;
let scratch: string;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  domains = await relayDomains();
  scratch = await mkdtemp(join(tmpdir(), 'mt2-relay-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let dirs = 0;
const freshDir = (name: string) => join(scratch, `${name}-${++dirs}`);

async function alphaStore(dir = freshDir('alpha')): Promise<MessageStore> {
  const store = await MessageStore.open(dir);
  cleanups.push(() => store.close().catch(() => undefined));
  return store;
}

async function beta(
  options: Partial<Parameters<typeof startHostReceiver>[0]> = {},
): Promise<HostReceiver> {
  const receiver = await startHostReceiver({
    hostname: 'mt2.beta.test',
    credentials: domains.betaHost,
    validator: domains.trustingValidator,
    storeDir: freshDir('beta'),
    ...options,
  });
  cleanups.push(() => receiver.close());
  return receiver;
}

/** Alpha's hop, as mt2d appends it on acceptance. */
const alphaHop = (envelope: Mt2Envelope) =>
  appendTrace(envelope, domains.alphaHost, 'mt2.alpha.test', new Date());

/** Queues a message from alice in alpha's store, as mt2d does; returns its id. */
async function queue(
  store: MessageStore,
  recipients: readonly string[] = ['bob@beta.test'],
): Promise<string> {
  const { msgId, parts } = aliceMessage(domains, recipients, alphaHop);
  const incoming = store.begin(msgId);
  await incoming.appendFragment('envelope', parts.envelope);
  await incoming.appendFragment('headers', parts.headers);
  await incoming.appendFragment('body', parts.body);
  const remote = new Set(recipients.map((r) => r.slice(r.indexOf('@') + 1)));
  await incoming.commit([...remote].map(relayMailbox));
  return msgId;
}

type LoggedField =
  'peer' | 'pipelined' | 'trusted' | 'msgId' | 'report' | 'duplicate' | 'error' | 'why' | 'code';
type LoggedEvent = { readonly event: string } & Partial<
  Record<LoggedField, RelayLogFields[string]>
>;

function relay(
  store: MessageStore,
  routing: RouteSource,
  extra: Partial<RelayOptions> = {},
): { relay: Relay; log: LoggedEvent[] } {
  const log: LoggedEvent[] = [];
  const instance = new Relay({
    store,
    routing,
    host: { credentials: domains.alphaHost, hostname: 'mt2.alpha.test' },
    process: domains.alphaProcess,
    validator: domains.trustingValidator,
    localMailbox: (address) => (address.endsWith('@alpha.test') ? `inbox:${address}` : undefined),
    log: { event: (event, fields = {}) => log.push({ event, ...fields }) },
    ...extra,
  });
  cleanups.push(() => instance.close());
  return { relay: instance, log };
}

const routeTo = (port: number) =>
  new RoutingTable([new StaticRoutes([`beta.test=127.0.0.1:${port}`])]);

function pending(store: MessageStore, domain = 'beta.test'): string[] {
  return store
    .list(relayMailbox(domain))
    .entries.filter((entry) => !entry.expunged)
    .map((entry) => entry.msgId);
}

async function readMessage(store: MessageStore, msgId: string) {
  const sizes = store.sizes(msgId);
  const envelope = decodeEnvelope(await store.readPart(msgId, 'envelope'));
  return {
    envelope,
    headers: sizes.headers > 0 ? await store.readPart(msgId, 'headers') : new Uint8Array(),
    body: sizes.body > 0 ? await store.readPart(msgId, 'body') : new Uint8Array(),
  };
}

function inbox(store: MessageStore, address: string): string[] {
  return store
    .list(`inbox:${address}`)
    .entries.filter((entry) => !entry.expunged)
    .map((entry) => entry.msgId);
}

/**
 * Has alpha send an error report (on one of alice's messages, its sender replaced by
 * `sender`) saying `recipient` failed; alpha has no local mailboxes here.
 */
function reportTo(
  sender: string,
  recipient: string,
  store: MessageStore,
  onRelayQueued: (domain: string) => void,
) {
  const original = decodeEnvelope(
    aliceMessage(domains, ['bob@beta.test'], (envelope) => envelope).parts.envelope,
  );
  return sendErrorReport(
    { ...original, sender },
    [{ recipient, code: RESULT.FAILED, text: 'test' }],
    new Date(),
    {
      store,
      process: domains.alphaProcess,
      host: { credentials: domains.alphaHost, hostname: 'mt2.alpha.test' },
      localMailbox: () => undefined,
      onRelayQueued,
    },
  );
}

async function verifiedReport(store: MessageStore, validator: IdentityValidator) {
  const [reportId, ...others] = inbox(store, 'alice@alpha.test');
  assert.ok(reportId !== undefined, 'alice got an error report');
  assert.deepEqual(others, [], 'exactly one report');
  const { envelope } = await readMessage(store, reportId);
  const verification = await verifyErrorReport(envelope, validator, new Date());
  assert.equal(verification.valid, true, JSON.stringify(verification.failures));
  assert.equal(envelope.sender, 'mt2d@alpha.test');
  assert.deepEqual(envelope.recipients, ['alice@alpha.test']);
  const trace = await verifyTraceChain(envelope, validator, new Date());
  assert.equal(trace.valid, true, JSON.stringify(trace.failure));
  assert.deepEqual(
    envelope.trace.map((entry) => entry.host),
    ['mt2.alpha.test'],
  );
  return envelope;
}

test('alice@alpha.test to bob@beta.test: delivered, signature and two-hop trace verify', async () => {
  const receiver = await beta();
  const store = await alphaStore();
  const msgId = await queue(store);
  const { relay: alpha, log } = relay(store, routeTo(receiver.port));
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [], 'the queue is empty');
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test'), [msgId]);
  const message = await readMessage(receiver.store, msgId);
  const validator = domains.trustingValidator;
  const signature = await verifyMessage(message, validator, new Date());
  assert.equal(signature.valid, true, JSON.stringify(signature.failures));
  const trace = await verifyTraceChain(message.envelope, validator, new Date());
  assert.equal(trace.valid, true, JSON.stringify(trace.failure));
  assert.deepEqual(
    message.envelope.trace.map((entry) => entry.host),
    ['mt2.alpha.test', 'mt2.beta.test'],
  );
  assert.deepEqual(receiver.peers, [{ host: 'mt2.alpha.test', trusted: true }]);
  const connected = log.find((entry) => entry.event === 'relay.connected');
  assert.equal(connected?.peer, 'mt2.beta.test');
  assert.equal(connected.pipelined, true, 'a trusted peer grants PIPE');
  assert.ok(log.some((entry) => entry.event === 'relay.delivered' && entry.msgId === msgId));
});

test('a trusted peer keeps its session between deliveries; others get a new one each batch', async () => {
  const receiver = await beta();
  const store = await alphaStore();
  const { relay: alpha } = relay(store, routeTo(receiver.port));
  for (let i = 0; i < 3; i++) {
    await queue(store);
    alpha.onRelayQueued('beta.test');
    await alpha.whenSettled();
  }
  assert.equal(inbox(receiver.store, 'bob@beta.test').length, 3);
  assert.equal(receiver.connections(), 1, 'one session for three deliveries');

  const untrusting = await beta({ validator: domains.neutralValidator });
  const store2 = await alphaStore();
  const { relay: alpha2, log } = relay(store2, routeTo(untrusting.port), {
    validator: domains.neutralValidator,
  });
  for (let i = 0; i < 2; i++) {
    await queue(store2);
    alpha2.onRelayQueued('beta.test');
    await alpha2.whenSettled();
  }
  assert.equal(inbox(untrusting.store, 'bob@beta.test').length, 2);
  assert.equal(untrusting.connections(), 2, 'closed after each batch');
  const connected = log.filter((entry) => entry.event === 'relay.connected');
  assert.deepEqual(
    connected.map((entry) => [entry.trusted, entry.pipelined]),
    [
      [false, false],
      [false, false],
    ],
    'no trust, no PIPE',
  );
});

test('beta down at first: the message waits, backs off, and is delivered once beta is up', async () => {
  const port = await freePort();
  const store = await alphaStore();
  const msgId = await queue(store);
  const clock = new ManualClock(Date.now());
  const { relay: alpha, log } = relay(store, routeTo(port), {
    clock,
    random: () => 0,
    retry: { initialDelayMs: 60_000 },
  });
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [msgId], 'still queued');
  assert.equal(alpha.state('beta.test').status, 'waiting');
  assert.equal(alpha.state('beta.test').failures, 1);
  assert.ok(log.some((entry) => entry.event === 'relay.route-failed'));
  assert.ok(log.some((entry) => entry.event === 'relay.deferred' && entry.msgId === msgId));
  assert.deepEqual(clock.pending, [clock.now() + 60_000]);

  clock.advance(60_000);
  await alpha.whenSettled();
  assert.equal(alpha.state('beta.test').failures, 2, 'still down: a second failure');
  assert.deepEqual(clock.pending, [clock.now() + 120_000], 'the delay doubled');

  const receiver = await beta({ port });
  clock.advance(120_000);
  await alpha.whenSettled();
  assert.deepEqual(pending(store), []);
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test'), [msgId]);
  assert.equal(alpha.state('beta.test').failures, 0);
  assert.deepEqual(inbox(store, 'alice@alpha.test'), [], 'no error report for a transient failure');
});

test("a permanent refusal at beta: alice gets a verified error report with beta's code", async () => {
  const refusal = { code: RESULT.TRANSFER_REFUSED, text: 'bob does not want mail' };
  const receiver = await beta({ refuse: () => refusal });
  const store = await alphaStore();
  const msgId = await queue(store);
  const { relay: alpha, log } = relay(store, routeTo(receiver.port));
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [], 'the message left the queue');
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test'), []);
  const report = await verifiedReport(store, domains.trustingValidator);
  assert.deepEqual(report.errorReport, {
    messageId: msgId,
    results: [{ recipient: 'bob@beta.test', ...refusal }],
  });
  const failed = log.find((entry) => entry.event === 'relay.failed');
  assert.equal(failed?.report, report.messageId);
});

test('no route to the domain is permanent: reported at once', async () => {
  const store = await alphaStore();
  const msgId = await queue(store, ['carol@nowhere.test']);
  const { relay: alpha } = relay(store, new RoutingTable([new StaticRoutes([])]));
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store, 'nowhere.test'), []);
  const report = await verifiedReport(store, domains.trustingValidator);
  assert.equal(report.errorReport?.messageId, msgId);
  assert.equal(report.errorReport.results[0]?.code, RESULT.FAILED);
  assert.match(report.errorReport.results[0].text, /no MT2 route to nowhere\.test/);
});

test('a message older than maxAgeMs fails at its next transient failure', async () => {
  const port = await freePort();
  const store = await alphaStore();
  const msgId = await queue(store);
  const clock = new ManualClock(Date.now());
  const { relay: alpha } = relay(store, routeTo(port), {
    clock,
    retry: { initialDelayMs: 1000, maxDelayMs: 1000, maxAgeMs: 10 * 60_000 },
  });
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [msgId]);
  clock.advance(10 * 60_000);
  await alpha.whenSettled();
  assert.deepEqual(pending(store), []);
  const report = await verifiedReport(store, domains.trustingValidator);
  assert.match(report.errorReport?.results[0]?.text ?? '', /RELAY_MAX_AGE_EXCEEDED/);
});

test('nothing queued is lost across a restart', async () => {
  const port = await freePort();
  const dir = freshDir('alpha');
  const first = await MessageStore.open(dir);
  const ids = [await queue(first), await queue(first)];
  const clock = new ManualClock(Date.now());
  const down = relay(first, routeTo(port), { clock });
  down.relay.start();
  await down.relay.whenSettled();
  await down.relay.close();
  await first.close();

  const receiver = await beta({ port });
  const store = await alphaStore(dir);
  assert.deepEqual(pending(store), ids, 'both still queued after the restart');
  const { relay: alpha } = relay(store, routeTo(port));
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), []);
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test').sort(), [...ids].sort());
});

test('a peer dying mid-transfer is transient; the retry delivers the message once', async () => {
  let dying = true;
  const receiver = await beta({ dieOnBody: () => dying });
  const store = await alphaStore();
  const msgId = await queue(store);
  const clock = new ManualClock(Date.now());
  const { relay: alpha, log } = relay(store, routeTo(receiver.port), { clock });
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [msgId]);
  assert.equal(alpha.state('beta.test').status, 'waiting');
  assert.ok(log.some((entry) => entry.event === 'relay.deferred'));
  dying = false;
  clock.advance((alpha.state('beta.test').retryAt ?? 0) - clock.now());
  await alpha.whenSettled();
  assert.deepEqual(pending(store), []);
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test'), [msgId]);
});

test('a message beta already holds counts as delivered (de-duplicated retry)', async () => {
  const receiver = await beta();
  const store = await alphaStore();
  const msgId = await queue(store);
  const first = relay(store, routeTo(receiver.port));
  first.relay.start();
  await first.relay.whenSettled();
  // The same message queued again, as after a crash between beta's OK and the expunge.
  const again = await alphaStore();
  const copy = await readMessage(store, msgId);
  const incoming = again.begin(msgId);
  await incoming.appendFragment('envelope', await store.readPart(msgId, 'envelope'));
  await incoming.appendFragment('headers', copy.headers);
  await incoming.appendFragment('body', copy.body);
  await incoming.commit([relayMailbox('beta.test')]);
  const { relay: alpha, log } = relay(again, routeTo(receiver.port));
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(again), []);
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test'), [msgId], 'delivered once');
  const delivered = log.find((entry) => entry.event === 'relay.delivered');
  assert.equal(delivered?.duplicate, true);
});

test('only the recipients of the destination domain travel to it', async () => {
  const receiver = await beta();
  const store = await alphaStore();
  const msgId = await queue(store, ['bob@beta.test', 'carol@gamma.test', 'dave@beta.test']);
  const { relay: alpha } = relay(store, routeTo(receiver.port), {
    clock: new ManualClock(Date.now()),
  });
  alpha.start();
  await alpha.whenSettled();
  const { envelope } = await readMessage(receiver.store, msgId);
  assert.deepEqual(envelope.recipients, ['bob@beta.test', 'dave@beta.test']);
  assert.deepEqual(pending(store), []);
  // gamma.test has no route: its copy fails on its own, reported for its recipient only.
  assert.deepEqual(pending(store, 'gamma.test'), []);
  const report = await verifiedReport(store, domains.trustingValidator);
  assert.deepEqual(
    report.errorReport?.results.map((result) => result.recipient),
    ['carol@gamma.test'],
  );
});

test('a peer with a host certificate from an unknown CA is not sent anything', async () => {
  const impostor = await beta({ credentials: domains.impostorHost });
  const store = await alphaStore();
  const msgId = await queue(store);
  const { relay: alpha, log } = relay(store, routeTo(impostor.port), {
    clock: new ManualClock(Date.now()),
  });
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [msgId], 'kept for a retry');
  assert.equal(impostor.peers.length, 0, 'no HELO was sent');
  const failed = log.find((entry) => entry.event === 'relay.route-failed');
  assert.match(String(failed?.error), /RELAY_PEER_INVALID|host certificate of mt2\.beta\.test/);
});

test("a peer's host certificate from an intermediate CA is validated with the chain it presents", async () => {
  const issuing = await makeIntermediateCa(domains.betaCa);
  const host = await createHostCredentials(issuing, 'mt2.beta.test');
  assert.deepEqual(
    host.chain.map((c) => c.fingerprint256),
    [issuing.certificate.fingerprint256],
  );

  const alone = await beta({ credentials: { ...host, chain: [] } });
  const store = await alphaStore();
  const msgId = await queue(store);
  const first = relay(store, routeTo(alone.port), { clock: new ManualClock(Date.now()) });
  first.relay.start();
  await first.relay.whenSettled();
  assert.deepEqual(pending(store), [msgId], 'without the intermediate the peer is unknown');
  const failed = first.log.find((entry) => entry.event === 'relay.route-failed');
  assert.match(String(failed?.error), /RELAY_PEER_INVALID|host certificate of mt2\.beta\.test/);
  await first.relay.close();

  const chained = await beta({ credentials: host });
  const second = relay(store, routeTo(chained.port));
  second.relay.start();
  await second.relay.whenSettled();
  assert.deepEqual(pending(store), [], 'delivered through the presented chain');
  assert.deepEqual(inbox(chained.store, 'bob@beta.test'), [msgId]);
  const connected = second.log.find((entry) => entry.event === 'relay.connected');
  assert.equal(connected?.trusted, true, "the root is a trusted anchor of alpha's validator");
});

test('no error report about an error report', async () => {
  const receiver = await beta({ refuse: () => ({ code: RESULT.FAILED, text: 'no' }) });
  const store = await alphaStore();
  // A report from alpha to a remote sender, refused at beta.
  const { relay: alpha, log } = relay(store, routeTo(receiver.port), {
    localMailbox: () => undefined,
  });
  const sent = await reportTo('erin@beta.test', 'x@alpha.test', store, (domain) => {
    alpha.onRelayQueued(domain);
  });
  assert.equal(sent.sent && sent.mailbox, relayMailbox('beta.test'));
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [], 'the refused report left the queue');
  const failed = log.find((entry) => entry.event === 'relay.failed');
  assert.equal(failed?.why, 'control-message');
  assert.equal(store.mailboxNames().filter((name) => name.startsWith('relay:')).length, 1);
});

test("the peer's class 4 answer keeps the message for a retry, without a report", async () => {
  let busy = true;
  const receiver = await beta({
    refuse: () => (busy ? { code: RESULT.STORAGE_UNAVAILABLE, text: 'disk busy' } : undefined),
  });
  const store = await alphaStore();
  const msgId = await queue(store);
  const clock = new ManualClock(Date.now());
  const { relay: alpha, log } = relay(store, routeTo(receiver.port), { clock });
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), [msgId]);
  const deferred = log.find((entry) => entry.event === 'relay.deferred');
  assert.equal(deferred?.code, RESULT.STORAGE_UNAVAILABLE);
  busy = false;
  clock.advance((alpha.state('beta.test').retryAt ?? 0) - clock.now());
  await alpha.whenSettled();
  assert.deepEqual(pending(store), []);
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test'), [msgId]);
  assert.deepEqual(inbox(store, 'alice@alpha.test'), [], 'no report');
});

test('maxMessagesPerBatch splits a long queue into runs that all deliver', async () => {
  const receiver = await beta();
  const store = await alphaStore();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await queue(store));
  const { relay: alpha, log } = relay(store, routeTo(receiver.port), {
    limits: { maxMessagesPerBatch: 2 },
  });
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store), []);
  assert.deepEqual(inbox(receiver.store, 'bob@beta.test').sort(), [...ids].sort());
  assert.equal(log.filter((entry) => entry.event === 'relay.delivered').length, 5);
  assert.equal(receiver.connections(), 1, 'the kept session carried all three runs');
});

test('a report for a sender of our own domain without a mailbox is not relayed back to us', async () => {
  const store = await alphaStore();
  let queued = 0;
  const outcome = await reportTo('ghost@alpha.test', 'bob@beta.test', store, () => queued++);
  assert.deepEqual(outcome, { sent: false, reason: 'unknown-local-sender' });
  assert.equal(queued, 0);
  assert.deepEqual(store.mailboxNames(), [], 'nothing stored');
});

test('a kept session that dies under the next batch is replaced at once', async () => {
  let dieOnce = false;
  const receiver = await beta({
    dieOnBody: () => {
      const die = dieOnce;
      dieOnce = false;
      return die;
    },
  });
  const store = await alphaStore();
  const { relay: alpha, log } = relay(store, routeTo(receiver.port), {
    clock: new ManualClock(Date.now()),
  });
  await queue(store);
  alpha.start();
  await alpha.whenSettled();
  dieOnce = true;
  const second = await queue(store);
  alpha.onRelayQueued('beta.test');
  await alpha.whenSettled();
  assert.ok(log.some((entry) => entry.event === 'relay.kept-session-lost'));
  assert.deepEqual(pending(store), [], 'delivered without waiting for a retry');
  assert.ok(inbox(receiver.store, 'bob@beta.test').includes(second));
  assert.equal(receiver.connections(), 2);
  assert.equal(alpha.state('beta.test').failures, 0);
});

test('a peer that completes TLS but never greets is given up after connectTimeoutMs', async () => {
  const silent = tls.createServer({
    key: privateKeyToPem(domains.betaHost.privateKey),
    cert: certificatesToPem([domains.betaHost.certificate, ...domains.betaHost.chain]),
    minVersion: 'TLSv1.3',
  });
  const sockets = new Set<tls.TLSSocket>();
  silent.on('secureConnection', (socket: tls.TLSSocket) => sockets.add(socket));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await once(silent, 'close');
  });
  const { port } = silent.address() as AddressInfo;
  const store = await alphaStore();
  const msgId = await queue(store);
  const { relay: alpha, log } = relay(store, routeTo(port), {
    clock: new ManualClock(Date.now()),
    limits: { connectTimeoutMs: 300 },
  });
  const started = Date.now();
  alpha.start();
  await alpha.whenSettled();
  assert.ok(Date.now() - started < 5000, 'not held up by the silent peer');
  assert.deepEqual(pending(store), [msgId]);
  assert.equal(sockets.size, 1, 'the TLS handshake did happen');
  const failed = log.find((entry) => entry.event === 'relay.route-failed');
  assert.match(String(failed?.error), /no greeting within 300 ms/);
});

test('reached by address, a peer whose certificate names no host of the domain is refused', async () => {
  const receiver = await beta();
  const store = await alphaStore();
  const msgId = await queue(store, ['carol@gamma.test']);
  const routing = new RoutingTable([new StaticRoutes([`gamma.test=127.0.0.1:${receiver.port}`])]);
  const { relay: alpha, log } = relay(store, routing, { clock: new ManualClock(Date.now()) });
  alpha.start();
  await alpha.whenSettled();
  assert.deepEqual(pending(store, 'gamma.test'), [msgId], 'kept for a retry');
  assert.equal(receiver.peers.length, 0, 'no HELO was sent');
  const failed = log.find((entry) => entry.event === 'relay.route-failed');
  assert.match(String(failed?.error), /names no host of gamma\.test \(mt2\.beta\.test\)/);
});
