// Mailing lists hosted by a real `mt2d serve`: chess-club@alpha.test, made with
// `mt2d list add`. alice and carol (alpha.test) and bob (beta.test, a second real mt2d,
// reached through the relay) subscribe with control messages and confirm the token the
// list sends; a member's post reaches every member signed by the list; a non-member's
// post and a malformed control payload are refused with their codes; the list state
// survives SIGKILL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ListPayload } from '../../src/extensions/index.ts';
import {
  IdentityValidator,
  caStoreOf,
  parseCertificates,
  verifyErrorReport,
  verifyMessage,
  verifyTraceChain,
} from '../../src/identity/index.ts';
import {
  dataDirLayout,
  listFiles,
  readConfig,
  readListRecord,
  writeConfig,
  type ServerConfig,
} from '../../src/server/index.ts';
import {
  listPayloadOf as listPayloadFrom,
  readMailbox,
  sendControl,
  sendToList,
  waitForMail,
  type ListDraft,
  type Place,
  type Received,
} from '../helpers/list-mail.ts';
import {
  initMt2dDir,
  makeUser,
  runMt2d,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
  type TestUser,
} from '../helpers/mt2d-process.ts';
import { freePort } from '../helpers/servers.ts';

const LIST = 'chess-club@alpha.test';

let alphaDir: Mt2dDir;
let betaDir: Mt2dDir;
let alpha: Mt2dProcess;
let beta: Mt2dProcess;
let alphaPort: number;
let betaPort: number;
let alice: TestUser;
let carol: TestUser;
let mallory: TestUser;
let bob: TestUser;
let validator: IdentityValidator;

async function configure(dir: string, change: (config: ServerConfig) => ServerConfig) {
  const path = dataDirLayout(dir).config;
  await writeConfig(path, change(await readConfig(path)));
}

function startAlpha() {
  return startMt2dProcess(alphaDir.dir, {
    port: alphaPort,
    routes: [`beta.test=127.0.0.1:${betaPort}`],
  });
}

before(async () => {
  [alphaDir, betaDir] = await Promise.all([initMt2dDir('alpha.test'), initMt2dDir('beta.test')]);
  const added = await runMt2d(['list', 'add', '--dir', alphaDir.dir, LIST, '--name', 'Chess club']);
  assert.equal(added.code, 0, added.stderr);
  const alphaCa = dataDirLayout(alphaDir.dir).caCertificate;
  const betaCa = dataDirLayout(betaDir.dir).caCertificate;
  const fastRelay = (config: ServerConfig) => ({
    ...config.relay,
    initialRetryDelayMs: 300,
    maxRetryDelayMs: 600,
  });
  await configure(alphaDir.dir, (config) => ({
    ...config,
    trust: { ...config.trust, caFiles: [betaCa] },
    // The list takes bob's mail from beta.test without postage.
    whitelists: { [LIST]: ['@beta.test'] },
    relay: fastRelay(config),
  }));
  await configure(betaDir.dir, (config) => ({
    ...config,
    trust: { ...config.trust, caFiles: [alphaCa] },
    whitelists: { 'bob@beta.test': ['@alpha.test'] },
    relay: fastRelay(config),
  }));
  [alice, carol, mallory, bob] = await Promise.all([
    makeUser(alphaDir.dir, 'alice@alpha.test'),
    makeUser(alphaDir.dir, 'carol@alpha.test'),
    makeUser(alphaDir.dir, 'mallory@alpha.test'),
    makeUser(betaDir.dir, 'bob@beta.test'),
  ]);
  validator = new IdentityValidator({
    store: caStoreOf(
      [...parseCertificates(alice.caCertificate.raw), ...parseCertificates(bob.caCertificate.raw)],
      true,
    ),
  });
  [alphaPort, betaPort] = await Promise.all([freePort(), freePort()]);
  beta = await startMt2dProcess(betaDir.dir, {
    port: betaPort,
    routes: [`alpha.test=127.0.0.1:${alphaPort}`],
  });
  alpha = await startAlpha();
});

after(async () => {
  await Promise.all([alpha.stop(), beta.stop()]);
  await Promise.all([alphaDir.remove(), betaDir.remove()]);
});

function placeOf(user: TestUser): Place {
  return user === bob
    ? { server: beta, hostname: betaDir.hostname }
    : { server: alpha, hostname: alphaDir.hostname };
}

const post = (user: TestUser, draft: ListDraft) => sendToList(placeOf(user), user, LIST, draft);
const control = (user: TestUser, payload: ListPayload) => sendControl(placeOf(user), user, payload);
const mailbox = (user: TestUser) => readMailbox(placeOf(user), user);
const arrival = (user: TestUser, match: (message: Received) => boolean) =>
  waitForMail(placeOf(user), user, match);
const listPayloadOf = (message: Received) => listPayloadFrom(message, LIST);

async function assertSignedByList(message: Received): Promise<void> {
  const { envelope, headerBytes: headers, body } = message;
  assert.equal(envelope.sender, LIST);
  const verification = await verifyMessage({ envelope, headers, body }, validator, new Date());
  assert.equal(verification.valid, true, JSON.stringify(verification.failures));
  const chain = await verifyTraceChain(envelope, validator, new Date());
  assert.equal(chain.valid, true, JSON.stringify(chain.failure));
}

/** Subscribes `user` with the full round trip: subscribe, confirmRequired, confirm, subscribed. */
async function subscribe(user: TestUser): Promise<void> {
  const asked = await control(user, { kind: 'subscribe', list: LIST });
  const request = await arrival(user, (m) => listPayloadOf(m)?.kind === 'confirmRequired');
  await assertSignedByList(request);
  const payload = listPayloadOf(request);
  assert.ok(payload?.kind === 'confirmRequired' && payload.action === 'subscribe');
  assert.match(payload.token, /^[A-Za-z0-9_-]{22}$/, '128 random bits, base64url');
  assert.notEqual(request.msgId, asked);
  await control(user, { kind: 'confirm', list: LIST, action: 'subscribe', token: payload.token });
  const done = await arrival(user, (m) => listPayloadOf(m)?.kind === 'subscribed');
  await assertSignedByList(done);
  assert.deepEqual(listPayloadOf(done), { kind: 'subscribed', list: LIST, name: 'Chess club' });
}

async function members(): Promise<string[]> {
  const result = await runMt2d(['list', 'members', '--dir', alphaDir.dir, LIST]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.split('\n').filter((line) => line !== '');
}

test('subscribe: the confirmation token round trip, locally and through the relay', async () => {
  await subscribe(alice);
  await subscribe(bob);
  assert.deepEqual(await members(), [alice.address, bob.address]);
});

test('a wrong token is refused (TOKEN_MISMATCH) and subscribes nobody', async () => {
  await control(carol, { kind: 'subscribe', list: LIST });
  await arrival(carol, (m) => listPayloadOf(m)?.kind === 'confirmRequired');
  await control(carol, {
    kind: 'confirm',
    list: LIST,
    action: 'subscribe',
    token: 'AAAAAAAAAAAAAAAAAAAAAA',
  });
  const refused = await arrival(carol, (m) => listPayloadOf(m)?.kind === 'refused');
  assert.deepEqual(listPayloadOf(refused), {
    kind: 'refused',
    list: LIST,
    reason: 'TOKEN_MISMATCH',
  });
  assert.deepEqual(await members(), [alice.address, bob.address]);
});

test('a member post reaches every member, re-originated and signed by the list', async () => {
  const original = await post(alice, { subject: 'Friday tournament' });
  const isPost = (m: Received) =>
    m.envelope.sender === LIST &&
    m.headers?.fields.some((f) => f.kind === 'subject' && f.text === 'Friday tournament') === true;
  const [atAlice, atBob] = await Promise.all([arrival(alice, isPost), arrival(bob, isPost)]);
  for (const post of [atAlice, atBob]) {
    await assertSignedByList(post);
    assert.notEqual(post.msgId, original, 'a new msg-id');
    const fields = post.headers?.fields ?? [];
    const from = fields.find((f) => f.kind === 'from');
    assert.deepEqual(from?.kind === 'from' ? from.mailboxes : [], [{ address: alice.address }]);
    const listId = fields.find((f) => f.kind === 'listId');
    assert.equal(listId?.kind === 'listId' ? listId.id : '', 'chess-club.alpha.test');
    const listFields = fields.flatMap((f) => (f.kind === 'list' ? [f.field] : []));
    assert.deepEqual(listFields, ['List-Post', 'List-Unsubscribe']);
    assert.equal(post.headers?.extensions.length, 0, 'a post carries no requests');
  }
  assert.deepEqual([...atBob.body], [...atAlice.body], 'the same body to everyone');
  assert.deepEqual(
    atBob.envelope.trace.map((hop) => hop.host),
    [alphaDir.hostname, betaDir.hostname],
    'bob got it through the relay',
  );
});

test('a non-member post is refused with LIST_NOT_MEMBER and reaches nobody', async () => {
  const msgId = await post(mallory, { subject: 'Buy my chess clocks' });
  const report = await arrival(mallory, (m) => m.envelope.errorReport?.messageId === msgId);
  const verification = await verifyErrorReport(report.envelope, validator, new Date());
  assert.equal(verification.valid, true, JSON.stringify(verification.failures));
  assert.equal(report.envelope.sender, LIST, 'signed by the list');
  const result = report.envelope.errorReport?.results[0];
  assert.ok(result !== undefined);
  assert.equal(result.code, '99.0.5.45');
  assert.match(result.text, /^LIST_NOT_MEMBER: /);
  await alpha.waitFor((e) => e.event === 'list.refused' && e['msgId'] === msgId);
  assert.equal(
    alpha.events.some((e) => e.event === 'list.posted' && e['msgId'] === msgId),
    false,
  );
});

test('a malformed control payload is refused clearly and changes nothing', async () => {
  const before = await readListRecord(listFiles(alphaDir.dir, LIST).state);
  // A token of four characters: the schema wants 16 to 128.
  const msgId = await control(carol, {
    kind: 'confirm',
    list: LIST,
    action: 'subscribe',
    token: 'abcd',
  });
  const report = await arrival(carol, (m) => m.envelope.errorReport?.messageId === msgId);
  const result = report.envelope.errorReport?.results[0];
  assert.ok(result !== undefined);
  assert.equal(result.code, '99.0.5.45');
  assert.match(result.text, /^LIST_CONTROL_INVALID: EXTENSION_PAYLOAD_INVALID at \/confirm/);
  const after = await readListRecord(listFiles(alphaDir.dir, LIST).state);
  assert.deepEqual(after.list, before.list, 'nothing applied');
});

test('unsubscribe: one step for a verified member', async () => {
  await control(bob, { kind: 'unsubscribe', list: LIST });
  const done = await arrival(bob, (m) => listPayloadOf(m)?.kind === 'unsubscribed');
  await assertSignedByList(done);
  assert.deepEqual(await members(), [alice.address]);
});

test('members and pending confirmations survive SIGKILL and a restart', async () => {
  await control(carol, { kind: 'subscribe', list: LIST });
  const requests = async () =>
    (await mailbox(carol)).filter((m) => listPayloadOf(m)?.kind === 'confirmRequired');
  // carol's second confirmRequired (the first was answered with a wrong token).
  const deadline = Date.now() + 30_000;
  while ((await requests()).length < 2) {
    if (Date.now() > deadline) throw new Error('no second confirmRequired');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const latest = (await requests()).at(-1);
  const payload = latest === undefined ? undefined : listPayloadOf(latest);
  assert.ok(payload?.kind === 'confirmRequired');

  await alpha.kill();
  alpha = await startAlpha();
  assert.deepEqual(await members(), [alice.address]);
  await control(carol, { kind: 'confirm', list: LIST, action: 'subscribe', token: payload.token });
  await arrival(carol, (m) => listPayloadOf(m)?.kind === 'subscribed');
  assert.deepEqual(await members(), [alice.address, carol.address]);
});
