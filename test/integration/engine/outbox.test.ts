// Sending through a real mt2d: the outbox survives an engine restart and is then sent;
// a server that requires postage gets a stamp minted in worker threads and accepts; the
// trash gives back received and sent mail, never mail that was not sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DraftInput } from '../../../src/api/index.ts';
import { decodeEnvelope } from '../../../src/message/index.ts';
import { HASHCASH_OID } from '../../../src/extensions/index.ts';
import type { Engine } from '../../../src/client/index.ts';
import {
  aliceSends,
  PASSPHRASE,
  remoteSetup,
  testEngine,
  type RemoteSetup,
} from '../../helpers/engine-harness.ts';
import { connectUser } from '../../helpers/mt2d-process.ts';

function toAlice(setup: RemoteSetup, subject: string): DraftInput {
  return {
    accountId: setup.accountId,
    to: [setup.alice.address],
    cc: [],
    subject,
    text: 'Hello Alice.',
    attachments: [],
    sign: true,
    encrypt: false,
    requestReadNotification: false,
  };
}

/** Bob's engine, unlocked, with the server's name pointing where nothing listens. */
async function offlineEngine(setup: RemoteSetup): Promise<Engine> {
  const engine = await testEngine({
    ...setup.engineOptions,
    hostAliases: { [setup.mt2d.hostname]: '127.0.0.2' },
    connectWaitMs: 2000,
  });
  await engine.unlock({ passphrase: PASSPHRASE });
  return engine;
}

/** What alice's mailbox on the server holds: msg-id -> envelope. */
async function aliceMailbox(setup: RemoteSetup) {
  const connection = await connectUser(setup.server, setup.alice, {
    hostname: setup.mt2d.hostname,
  });
  try {
    const listing = await connection.session.list(0);
    const envelopes = new Map<string, Uint8Array>();
    if (listing.entries.length === 0) return envelopes;
    await connection.session.pull(
      'message/envelope',
      listing.entries.map((entry) => entry.msgId),
      {
        onPart: (msgId, bytes) => {
          envelopes.set(msgId, bytes);
        },
      },
    );
    return envelopes;
  } finally {
    connection.destroy();
  }
}

test('a message queued offline survives an engine restart and is sent once online', async (t) => {
  const setup = await remoteSetup();
  t.after(() => setup.cleanup());
  await setup.engine.close();
  const offline = await offlineEngine(setup);
  const queued = await offline.send(toAlice(setup, 'Queued while offline'));
  assert.equal(queued.folder, 'outbox');
  assert.equal(queued.send?.state, 'queued');
  await assert.rejects(offline.syncNow({}), { code: 'ENGINE_OFFLINE' });
  const outbox = await offline.listMessages({ folder: 'outbox', limit: 10 });
  const waiting = outbox.items[0];
  assert.ok(waiting !== undefined);
  assert.equal(waiting.ref, queued.ref);
  assert.equal(waiting.send?.state, 'queued');
  await offline.close();

  const online = await testEngine(setup.engineOptions);
  t.after(() => online.close());
  assert.equal((await online.status({})).phase, 'locked');
  await online.unlock({ passphrase: PASSPHRASE });
  await online.syncNow({});
  const sent = await online.listMessages({ folder: 'sent', limit: 10 });
  assert.equal(sent.items.length, 1);
  assert.equal(sent.items[0]?.send?.state, 'sent');
  assert.equal((await online.listMessages({ folder: 'outbox', limit: 10 })).items.length, 0);
  const mailbox = await aliceMailbox(setup);
  const msgId = queued.ref.slice(queued.ref.indexOf('/sent:') + '/sent:'.length);
  assert.ok(mailbox.has(msgId), 'alice has the message');
  assert.equal(mailbox.size, 1);
});

test('a server that requires postage gets a hashcash stamp and accepts', async (t) => {
  const setup = await remoteSetup((config) => ({
    ...config,
    postage: { bits: 12, validityDays: 28, graceDays: 2, exemptSenders: [] },
  }));
  t.after(() => setup.cleanup());
  const states: string[] = [];
  setup.engine.onEvent((event) => {
    if (event.type === 'send-status') states.push(event.send.state);
  });
  const queued = await setup.engine.send(toAlice(setup, 'Postage paid'));
  await setup.engine.syncNow({});
  const sent = await setup.engine.getMessage({ ref: queued.ref });
  assert.equal(sent.summary.send?.state, 'sent', sent.summary.send?.problem);
  assert.ok(states.includes('waiting-for-postage'), `states seen: ${states.join(', ')}`);
  const mailbox = await aliceMailbox(setup);
  const [envelope] = [...mailbox.values()].map((bytes) => decodeEnvelope(bytes));
  assert.ok(envelope !== undefined);
  const stamp = envelope.extensions.find((extension) => extension.oid === HASHCASH_OID);
  assert.ok(stamp !== undefined, 'the delivered envelope carries the stamp');
});

test('a refused recipient fails the message, with the server’s reason on it', async (t) => {
  const setup = await remoteSetup();
  t.after(() => setup.cleanup());
  const draft = { ...toAlice(setup, 'To nobody'), to: ['nobody@alpha.test'] };
  const queued = await setup.engine.send(draft);
  await setup.engine.syncNow({});
  const failed = await setup.engine.getMessage({ ref: queued.ref });
  assert.equal(failed.summary.send?.state, 'failed');
  assert.match(
    failed.summary.send.problem ?? '',
    /^The server refused the message \(99\.0\.5\.\d+\)/,
  );
  await assert.rejects(setup.engine.cancelSend({ ref: `${setup.accountId}/sent:unknown` }), {
    code: 'ENGINE_UNKNOWN_MESSAGE',
  });
  const retried = await setup.engine.retrySend({ ref: queued.ref });
  assert.equal(retried.send?.state, 'queued');
  await assert.rejects(setup.engine.retrySend({ ref: queued.ref }), { code: 'ENGINE_SEND_STATE' });
});

test('the trash gives back: mail from the server to the inbox, sent mail to Sent, never-sent mail stays; a deletion not yet pushed is undone', async (t) => {
  const setup = await remoteSetup();
  t.after(() => setup.cleanup());
  const [msgId] = await aliceSends(setup, 1, { subject: 'Keep me' });
  const received = `${setup.accountId}/${msgId ?? ''}`;
  const sent = await setup.engine.send(toAlice(setup, 'Sent and kept'));
  await setup.engine.syncNow({});
  const folderOf = async (engine: Engine, ref: string) =>
    (await engine.getMessage({ ref })).summary.folder;

  await setup.engine.deleteMessages({ refs: [received, sent.ref] });
  assert.equal(await folderOf(setup.engine, received), 'trash');
  assert.equal(await folderOf(setup.engine, sent.ref), 'trash');
  await setup.engine.restoreMessages({ refs: [received, sent.ref] });
  assert.equal(await folderOf(setup.engine, received), 'inbox');
  assert.equal(await folderOf(setup.engine, sent.ref), 'sent');

  const refused = await setup.engine.send({
    ...toAlice(setup, 'Never sent'),
    to: ['nobody@alpha.test'],
  });
  await setup.engine.syncNow({});
  await setup.engine.cancelSend({ ref: refused.ref });
  await assert.rejects(setup.engine.restoreMessages({ refs: [refused.ref] }), {
    code: 'ENGINE_SEND_STATE',
  });
  assert.equal(await folderOf(setup.engine, refused.ref), 'trash');

  // Deleted for good while offline, then restored before the deletion reached the server.
  await setup.engine.close();
  const offline = await offlineEngine(setup);
  await offline.deleteMessages({ refs: [received] });
  await offline.deleteMessages({ refs: [received] });
  await offline.restoreMessages({ refs: [received] });
  await offline.close();
  const online = await setup.reopen();
  t.after(() => online.close());
  await online.unlock({ passphrase: PASSPHRASE });
  await online.syncNow({});
  // Had the DELE gone out, the message would have left the store.
  assert.equal(await folderOf(online, received), 'inbox');
});

test('deleting a message still in the outbox cancels it: it is never sent', async (t) => {
  const setup = await remoteSetup();
  t.after(() => setup.cleanup());
  await setup.engine.close();
  const offline = await offlineEngine(setup);
  const queued = await offline.send(toAlice(setup, 'Thought better of it'));
  await offline.deleteMessages({ refs: [queued.ref] });
  assert.equal((await offline.getMessage({ ref: queued.ref })).summary.folder, 'trash');
  await offline.close();

  const online = await setup.reopen();
  t.after(() => online.close());
  await online.unlock({ passphrase: PASSPHRASE });
  await online.syncNow({});
  assert.equal((await online.getMessage({ ref: queued.ref })).summary.folder, 'trash');
  assert.equal((await aliceMailbox(setup)).size, 0, 'alice got nothing');
});
