// The list host's bounds and loop guards, against one real `mt2d serve` with
// lists.maxMembers = 1 and lists.maxPostsPerMinute = 1: a closed list takes no
// subscriptions, a full list answers TRY_LATER, an answer sent to a list gets no answer,
// an unsigned post is refused, and a post over the rate waits in the list's mailbox.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  MessageStore,
  dataDirLayout,
  liveEntries,
  readConfig,
  writeConfig,
} from '../../src/server/index.ts';
import {
  listPayloadOf,
  sendControl,
  sendToList,
  waitForMail,
  type Place,
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

const OPEN = 'club@alpha.test';
const CLOSED = 'board@alpha.test';

let dir: Mt2dDir;
let server: Mt2dProcess | undefined;
let place: Place;
let alice: TestUser;
let carol: TestUser;

before(async () => {
  dir = await initMt2dDir('alpha.test');
  for (const args of [[OPEN], [CLOSED, '--closed']]) {
    const added = await runMt2d(['list', 'add', '--dir', dir.dir, ...args]);
    assert.equal(added.code, 0, added.stderr);
  }
  const path = dataDirLayout(dir.dir).config;
  const config = await readConfig(path);
  await writeConfig(path, { ...config, lists: { maxMembers: 1, maxPostsPerMinute: 1 } });
  [alice, carol] = await Promise.all([
    makeUser(dir.dir, 'alice@alpha.test'),
    makeUser(dir.dir, 'carol@alpha.test'),
  ]);
  server = await startMt2dProcess(dir.dir);
  place = { server, hostname: dir.hostname };
});

after(async () => {
  await server?.stop();
  await dir.remove();
});

function running(): Mt2dProcess {
  assert.ok(server !== undefined);
  return server;
}

test('mt2d list: a taken address and an unknown list exit 1 with their codes', async () => {
  const again = await runMt2d(['list', 'add', '--dir', dir.dir, OPEN]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /mt2d list add: MT2D_LIST_EXISTS: /);
  const unknown = await runMt2d(['list', 'members', '--dir', dir.dir, 'nobody@alpha.test']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /mt2d list members: MT2D_LIST_UNKNOWN: /);
  const usage = await runMt2d(['list', 'rename', '--dir', dir.dir, OPEN]);
  assert.notEqual(usage.code, 0);
});

test('a closed list refuses subscriptions (CLOSED)', async () => {
  await sendControl(place, alice, { kind: 'subscribe', list: CLOSED });
  const answer = await waitForMail(place, alice, (m) => listPayloadOf(m, CLOSED) !== undefined);
  assert.deepEqual(listPayloadOf(answer, CLOSED), {
    kind: 'refused',
    list: CLOSED,
    reason: 'CLOSED',
  });
});

test('a full list refuses further subscriptions (TRY_LATER)', async () => {
  await sendControl(place, alice, { kind: 'subscribe', list: OPEN });
  const request = await waitForMail(
    place,
    alice,
    (m) => listPayloadOf(m, OPEN)?.kind === 'confirmRequired',
  );
  const payload = listPayloadOf(request, OPEN);
  assert.ok(payload?.kind === 'confirmRequired');
  await sendControl(place, alice, { ...payload, kind: 'confirm' });
  await waitForMail(place, alice, (m) => listPayloadOf(m, OPEN)?.kind === 'subscribed');

  await sendControl(place, carol, { kind: 'subscribe', list: OPEN });
  const refused = await waitForMail(place, carol, (m) => listPayloadOf(m, OPEN) !== undefined);
  assert.deepEqual(listPayloadOf(refused, OPEN), {
    kind: 'refused',
    list: OPEN,
    reason: 'TRY_LATER',
  });
});

test('an answer sent to a list gets no answer', async () => {
  const msgId = await sendControl(place, carol, { kind: 'subscribed', list: OPEN });
  const handled = await running().waitFor(
    (e) => e.event === 'list.control' && e['msgId'] === msgId,
  );
  assert.equal(handled['answers'], '', 'no answer to an answer');
});

test('an unsigned post from a member is refused (LIST_SENDER_UNVERIFIED)', async () => {
  const msgId = await sendToList(place, alice, OPEN, { subject: 'Unsigned', unsigned: true });
  const report = await waitForMail(
    place,
    alice,
    (m) => m.envelope.errorReport?.messageId === msgId,
  );
  const result = report.envelope.errorReport?.results[0];
  assert.ok(result !== undefined);
  assert.match(result.text, /^LIST_SENDER_UNVERIFIED: signature: SIGNATURE_MISSING/);
});

test('a post over the rate waits in the list mailbox, nothing lost', async () => {
  const first = await sendToList(place, alice, OPEN, { subject: 'First' });
  const second = await sendToList(place, alice, OPEN, { subject: 'Second' });
  const mt2d = running();
  await mt2d.waitFor((e) => e.event === 'list.posted' && e['msgId'] === first);
  await mt2d.waitFor((e) => e.event === 'list.deferred' && e['msgId'] === second);
  await mt2d.stop();
  server = undefined;
  const store = await MessageStore.open(dataDirLayout(dir.dir).store);
  try {
    const waiting = liveEntries(store, OPEN, 10).map((entry) => entry.msgId);
    assert.deepEqual(waiting, [second], 'the deferred post is still queued, the first is done');
  } finally {
    await store.close();
  }
});
