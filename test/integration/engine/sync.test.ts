// Sync against a real mt2d process: 1,000 messages, resync of only what is new, flags
// and deletions both ways between two engines of one user, a deletion for good made
// offline, a connection dropped mid-sync (before, and once part of a page is stored), a
// part of a page the store fails to write, a tampered message kept as failed,
// verification (and envelopes) finished after a stop, and closing mid-round.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEvent, MessageSummaryView } from '../../../src/api/index.ts';
import {
  aliceSends,
  nextEvent,
  PASSPHRASE,
  remoteSetup,
  testEngine,
  tempDir,
  TEST_POLL_INTERVAL_MS,
  type RemoteSetup,
} from '../../helpers/engine-harness.ts';
import { buildSignedMessage } from '../../helpers/signed-message.ts';
import { connectUser, startMt2dProcess } from '../../helpers/mt2d-process.ts';
import { option } from '../../../src/protocol/index.ts';
import Database from 'better-sqlite3';
import { join } from 'node:path';

async function allInbox(setup: Pick<RemoteSetup, 'engine'>): Promise<MessageSummaryView[]> {
  const items: MessageSummaryView[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await setup.engine.listMessages({
      folder: 'inbox',
      limit: 500,
      ...(after === undefined ? {} : { after }),
    });
    items.push(...page.items);
    if (page.next === undefined) return items;
    after = page.next;
  }
}

/** The new messages each sync round found (its last `headers` total), round by round. */
function roundsFound(engine: RemoteSetup['engine']): { found: number[]; stop: () => void } {
  const found: number[] = [];
  const stop = engine.onEvent((event) => {
    if (event.type !== 'sync-progress') return;
    if (event.phase === 'listing') found.push(0);
    else if (event.phase === 'headers') found[found.length - 1] = event.total;
  });
  return { found, stop };
}

type SyncProgress = Extract<ApiEvent, { type: 'sync-progress' }>;

/**
 * Syncs, dropping the connection at the first `headers` progress that `when` accepts,
 * then syncs again.
 */
async function syncDroppingAt(
  setup: RemoteSetup,
  when: (progress: SyncProgress) => boolean,
): Promise<void> {
  const dropped = nextEvent(
    setup.engine,
    (event): event is SyncProgress =>
      event.type === 'sync-progress' && event.phase === 'headers' && when(event),
  ).then(() => {
    setup.engine.runtime(setup.accountId).dropConnection();
  });
  const syncing = setup.engine.syncNow({});
  await dropped;
  await syncing;
  await setup.engine.syncNow({});
}

/** The inbox holds the `before` messages it had and each of `sent` once. */
async function assertEachStoredOnce(
  setup: Pick<RemoteSetup, 'engine'>,
  before: number,
  sent: readonly string[],
): Promise<void> {
  const inbox = await allInbox(setup);
  assert.equal(inbox.length, before + sent.length);
  assert.equal(new Set(inbox.map((item) => item.ref)).size, inbox.length);
  const refs = new Set(inbox.map((item) => item.ref.slice(item.ref.indexOf('/') + 1)));
  assert.ok(sent.every((msgId) => refs.has(msgId)));
}

describe('sync with a real mt2d', () => {
  let setup: RemoteSetup;
  before(async () => {
    setup = await remoteSetup();
  });
  after(() => setup.cleanup());

  test('1,000 messages arrive as verified summaries, bodies not fetched', async () => {
    const sent = await aliceSends(setup, 1000);
    const progress: [number, number][] = [];
    const verifying: [number, number][] = [];
    const off = setup.engine.onEvent((event) => {
      if (event.type !== 'sync-progress') return;
      if (event.phase === 'headers') progress.push([event.done, event.total]);
      if (event.phase === 'verifying') verifying.push([event.done, event.total]);
    });
    try {
      await setup.engine.syncNow({});
    } finally {
      off();
    }
    // Stored so far of found so far, counted up part by part while the page arrives.
    assert.deepEqual(progress.at(-1), [1000, 1000]);
    assert.ok(progress.length > 2, `progress within the page: ${JSON.stringify(progress)}`);
    assert.ok(progress.every(([done, total]) => done <= total));
    assert.ok(
      progress.every(([done], index) => done >= (progress[index - 1]?.[0] ?? 0)),
      'the count never goes back',
    );
    // Then the verification, batch by batch, from none to all of them.
    assert.deepEqual(verifying[0], [0, 1000]);
    assert.deepEqual(verifying.at(-1), [1000, 1000]);
    assert.ok(verifying.length > 2, `a step per batch: ${JSON.stringify(verifying)}`);
    const report = setup.engine.runtime(setup.accountId).lastReport;
    assert.equal(report?.added, 1000);
    const inbox = await allInbox(setup);
    assert.equal(inbox.length, 1000);
    assert.equal(new Set(inbox.map((item) => item.ref)).size, 1000);
    assert.deepEqual(
      new Set(inbox.map((item) => item.ref.slice(item.ref.indexOf('/') + 1))),
      new Set(sent),
    );
    assert.ok(inbox.every((item) => item.verification === 'verified'));
    const first = inbox[0];
    assert.ok(first !== undefined);
    assert.equal((await setup.engine.getMessage({ ref: first.ref })).body.state, 'not-fetched');
    const folders = await setup.engine.listFolders({});
    assert.deepEqual(
      folders.find((folder) => folder.id === 'inbox'),
      {
        id: 'inbox',
        name: 'Inbox',
        total: 1000,
        unread: 1000,
      },
    );
  });

  test("getSummary gives one message's list row, from the store alone", async () => {
    const inbox = await allInbox(setup);
    const row = inbox[inbox.length >> 1];
    assert.ok(row !== undefined);
    assert.deepEqual(await setup.engine.getSummary({ ref: row.ref }), row);
    await assert.rejects(
      setup.engine.getSummary({ ref: `${setup.accountId}/no-such-message@alpha.test` }),
      { code: 'ENGINE_UNKNOWN_MESSAGE' },
    );
  });

  test('a resync after new mail lists only the new summaries', async () => {
    await aliceSends(setup, 3, { subject: 'Later news' });
    await setup.engine.syncNow({});
    const report = setup.engine.runtime(setup.accountId).lastReport;
    assert.equal(report?.listed, 3);
    assert.equal(report.added, 3);
    const found = await setup.engine.search({ query: 'later news', limit: 10 });
    assert.equal(found.items.length, 3);
    await setup.engine.syncNow({});
    assert.equal(setup.engine.runtime(setup.accountId).lastReport?.listed, 0);
  });

  test('opening a body fetches it with progress events and checks it against the signature', async () => {
    const [msgId] = await aliceSends(setup, 1, { subject: 'Open me', text: 'The body text.' });
    await setup.engine.syncNow({});
    const ref = `${setup.accountId}/${msgId ?? ''}`;
    const progress: ApiEvent[] = [];
    const off = setup.engine.onEvent((event) => {
      if (event.type === 'body-progress') progress.push(event);
    });
    const body = await setup.engine.openBody({ ref });
    off();
    assert.equal(body.text?.trim(), 'The body text.');
    assert.ok(progress.length >= 2);
    const last = progress.at(-1);
    assert.ok(last?.type === 'body-progress' && last.received === last.total && last.total > 0);
    const message = await setup.engine.getMessage({ ref });
    assert.equal(message.body.state, 'fetched');
    assert.equal(message.security.badge, 'verified');
  });

  test('a body with only HTML is searchable by its text once opened, and has text to quote', async () => {
    const html = '<p>The quarterly <b>pelican</b> report</p>';
    const [msgId] = await aliceSends(setup, 1, {
      subject: 'Newsletter',
      body: Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html}`),
    });
    await setup.engine.syncNow({});
    const ref = `${setup.accountId}/${msgId ?? ''}`;
    const body = await setup.engine.openBody({ ref });
    assert.equal(body.html?.trim(), html);
    assert.equal(body.text, 'The quarterly pelican report');
    const found = await setup.engine.search({ query: 'pelican', limit: 10 });
    assert.deepEqual(
      found.items.map((item) => item.ref),
      [ref],
    );
  });

  test('flags go both ways: seen here reaches another engine of bob, flagged there comes back, answered by a reply here reaches it, deletions too', async (t) => {
    const [msgId] = await aliceSends(setup, 1, { subject: 'Flag me' });
    await setup.engine.syncNow({});
    const ref = `${setup.accountId}/${msgId ?? ''}`;
    await setup.engine.setFlags({ refs: [ref], seen: true });
    await setup.engine.syncNow({});

    const otherData = await tempDir();
    const other = await testEngine({ ...setup.engineOptions, dataDir: otherData.dir });
    t.after(async () => {
      await other.close();
      await otherData.remove();
    });
    // The other engine is bob too: the same identity file imported again.
    const account = await other.importIdentity({
      p12: setup.bobP12.toString('base64'),
      p12Password: setup.bobP12Password,
      passphrase: PASSPHRASE,
      server: { host: setup.mt2d.hostname, port: setup.server.port },
    });
    await other.syncNow({});
    const otherRef = `${account.id}/${msgId ?? ''}`;
    const there = await other.getMessage({ ref: otherRef });
    assert.equal(there.summary.unread, false);
    await other.setFlags({ refs: [otherRef], flagged: true });
    await other.syncNow({});
    await setup.engine.syncNow({});
    const here = await setup.engine.getMessage({ ref });
    assert.equal(here.summary.flagged, true);
    assert.equal(here.summary.unread, false);

    // A reply sent here marks the message answered, there too.
    await setup.engine.send({
      accountId: setup.accountId,
      to: [setup.alice.address],
      cc: [],
      subject: 'Re: Flag me',
      text: 'Done.',
      attachments: [],
      sign: true,
      encrypt: false,
      requestReadNotification: false,
      inReplyTo: ref,
    });
    assert.equal((await setup.engine.getMessage({ ref })).summary.answered, true);
    await setup.engine.syncNow({});
    await other.syncNow({});
    assert.equal((await other.getMessage({ ref: otherRef })).summary.answered, true);

    // Deleted here: the trash is this engine's own; deleting from the trash deletes on
    // the server, and so in the other engine too.
    await setup.engine.deleteMessages({ refs: [ref] });
    assert.equal((await setup.engine.getMessage({ ref })).summary.folder, 'trash');
    await setup.engine.syncNow({});
    await other.syncNow({});
    assert.equal((await other.getMessage({ ref: otherRef })).summary.folder, 'inbox');
    await setup.engine.deleteMessages({ refs: [ref] });
    await setup.engine.syncNow({});
    // The other engine's list is told to reload.
    const told = nextEvent(
      other,
      (event): event is ApiEvent =>
        event.type === 'messages-changed' && event.folders.includes('trash'),
    );
    await other.syncNow({});
    await told;
    const gone = { code: 'ENGINE_UNKNOWN_MESSAGE' };
    await assert.rejects(setup.engine.getMessage({ ref }), gone);
    await assert.rejects(other.getMessage({ ref: otherRef }), gone);
  });

  test('deleted for good while the server is down: listed as on its way out, gone once connected', async () => {
    const [msgId] = await aliceSends(setup, 1, { subject: 'Delete me offline' });
    await setup.engine.syncNow({});
    const ref = `${setup.accountId}/${msgId ?? ''}`;
    const inTrash = async () =>
      (await setup.engine.listMessages({ folder: 'trash', limit: 100 })).items.find(
        (item) => item.ref === ref,
      );
    await setup.engine.deleteMessages({ refs: [ref] });
    assert.equal((await inTrash())?.deletingForGood, false, 'only moved to the trash');
    const port = setup.server.port;
    await setup.server.stop();
    await setup.engine.deleteMessages({ refs: [ref] });
    assert.equal((await inTrash())?.deletingForGood, true);
    setup.server = await startMt2dProcess(setup.mt2d.dir, { port });
    await setup.engine.syncNow({});
    assert.equal(await inTrash(), undefined);
    await assert.rejects(setup.engine.getMessage({ ref }), { code: 'ENGINE_UNKNOWN_MESSAGE' });
  });

  test('a connection dropped mid-sync resumes without losing or duplicating anything', async () => {
    const before = (await allInbox(setup)).length;
    const sent = await aliceSends(setup, 600, { subject: 'Batch two' });
    await syncDroppingAt(setup, (progress) => progress.total > 0);
    await assertEachStoredOnce(setup, before, sent);
  });

  test('a connection dropped once part of a page is stored resumes with the rest of the page', async () => {
    const before = (await allInbox(setup)).length;
    // Three pages: however late the store's first answer reaches the engine on a busy
    // machine, the sync is still pulling when the connection drops.
    const sent = await aliceSends(setup, 2500, { subject: 'Batch three' });
    const rounds = roundsFound(setup.engine);
    try {
      await syncDroppingAt(
        setup,
        (progress) => progress.done > 0 && progress.done < progress.total,
      );
    } finally {
      rounds.stop();
    }
    const [first, again] = rounds.found;
    assert.ok(first !== undefined && first > 0 && first <= sent.length, `found ${first}`);
    assert.ok(
      again !== undefined && again > 0 && again < sent.length,
      `the round after the drop pulls only what the page's stored part lacks: ${rounds.found.join(', ')}`,
    );
    await assertEachStoredOnce(setup, before, sent);
  });

  test("a part of a page that the store fails to write loses nothing: the page's cursor stays", async () => {
    const before = (await allInbox(setup)).length;
    const sent = await aliceSends(setup, 1000, { subject: 'Batch four' });
    // A write failing inside SQLite (as on a full disk) for one message late in the
    // page, while the test keeps it listed: the parts before it are rolled back with it.
    const db = new Database(join(setup.data.dir, 'cache.sqlite'));
    db.exec(`CREATE TABLE test_refused (msg_id TEXT);
      CREATE TRIGGER test_refuse BEFORE INSERT ON messages
        WHEN new.msg_id IN (SELECT msg_id FROM test_refused)
        BEGIN SELECT RAISE(ABORT, 'no room for this one'); END;`);
    db.prepare('INSERT INTO test_refused (msg_id) VALUES (?)').run(sent[900]);
    try {
      const failed = nextEvent(
        setup.engine,
        (event): event is Extract<ApiEvent, { type: 'account' }> =>
          event.type === 'account' && event.account.connection.state === 'waiting-to-retry',
      );
      const syncing = setup.engine.syncNow({});
      await failed;
      db.prepare('DELETE FROM test_refused').run();
      // The round after the reconnect.
      await syncing;
    } finally {
      db.exec('DROP TRIGGER test_refuse; DROP TABLE test_refused;');
      db.close();
    }
    await assertEachStoredOnce(setup, before, sent);
  });

  test('a message altered after signing is stored and shown as failed, with the reason', async () => {
    const message = await buildSignedMessage(
      {
        from: setup.alice.address,
        to: ['bob@alpha.test'],
        subject: 'Pay 10 euros',
        text: 'Invoice.',
      },
      setup.alice.credentials,
    );
    const headers = Buffer.from(message.parts.headers);
    headers.write('Pay 99 euros', headers.indexOf('Pay 10 euros'));
    const connection = await connectUser(setup.server, setup.alice, {
      hostname: setup.mt2d.hostname,
    });
    try {
      await connection.session.opt([option('PIPE', 'ON')]);
      await connection.session.transferMessage(message.msgId, { ...message.parts, headers });
    } finally {
      connection.destroy();
    }
    await setup.engine.syncNow({});
    const view = await setup.engine.getMessage({ ref: `${setup.accountId}/${message.msgId}` });
    assert.equal(view.summary.subject, 'Pay 99 euros');
    assert.equal(view.summary.verification, 'failed');
    assert.equal(view.security.signature.state, 'invalid');
    assert.deepEqual(
      view.security.signature.reasons.map((reason) => reason.code),
      ['HEADERS_DIGEST_MISMATCH'],
    );
  });

  test('messages stored but never verified, or still waiting for their envelope, are completed on the next start; offline they show unchecked', async () => {
    const sent = await aliceSends(setup, 50, { subject: 'Left over' });
    await setup.engine.syncNow({});
    await setup.engine.close();
    // What a stop between storing the headers and storing the verdicts leaves behind:
    // half of them synced with their headers only, before their envelopes came.
    const db = new Database(join(setup.data.dir, 'cache.sqlite'));
    const leftOverIds = `SELECT id FROM messages WHERE subject = 'Left over'`;
    const cleared = db
      .prepare(`UPDATE message_parts SET verification = NULL WHERE message_id IN (${leftOverIds})`)
      .run().changes;
    const headersOnly = db
      .prepare(
        `UPDATE message_parts SET envelope_xml = x''
         WHERE message_id IN (${leftOverIds} ORDER BY id LIMIT 25)`,
      )
      .run().changes;
    db.prepare(
      `UPDATE messages SET signed = 0 WHERE id IN (${leftOverIds} ORDER BY id LIMIT 25)`,
    ).run();
    db.close();
    assert.equal(cleared, 50);
    assert.equal(headersOnly, 25);
    const port = setup.server.port;
    await setup.server.stop();
    const engine = await setup.reopen();
    try {
      await engine.unlock({ passphrase: PASSPHRASE });
      const waiting = (await allInbox({ engine })).filter((item) => item.subject === 'Left over');
      const unchecked = waiting.find((item) => !item.signed);
      assert.ok(unchecked !== undefined);
      const offline = await engine.getMessage({ ref: unchecked.ref });
      assert.equal(
        offline.summary.subject,
        'Left over',
        'the headers are shown without the envelope',
      );
      assert.equal(offline.security.badge, 'pending');
      await assert.rejects(
        engine.certificateDetails({ fingerprint: '00', message: unchecked.ref }),
        { code: 'ENGINE_OFFLINE' },
      );
      setup.server = await startMt2dProcess(setup.mt2d.dir, { port });
      await engine.syncNow({});
      const leftOver = (await allInbox({ engine })).filter((item) => item.subject === 'Left over');
      assert.equal(leftOver.length, 50);
      assert.ok(leftOver.every((item) => item.verification === 'verified'));
      assert.ok(
        leftOver.every((item) => item.signed),
        'the envelopes came',
      );
      const refs = new Set(leftOver.map((item) => item.ref.slice(item.ref.indexOf('/') + 1)));
      assert.ok(sent.every((msgId) => refs.has(msgId)));
    } finally {
      await engine.close();
    }
  });

  test('closing while a round still verifies what it synced returns at once, not a poll interval later', async () => {
    // The round ends on its own after stop(), before the session closes: five tries,
    // as the order of the two is up to the machine.
    for (let attempt = 0; attempt < 5; attempt++) {
      await aliceSends(setup, 200, { subject: `Closed mid-round ${attempt}` });
      const engine = await setup.reopen();
      const headersStored = nextEvent(
        engine,
        (event): event is SyncProgress => event.type === 'sync-progress' && event.phase === 'done',
        60_000,
      );
      await engine.unlock({ passphrase: PASSPHRASE });
      await headersStored;
      const started = performance.now();
      await engine.close();
      const ms = performance.now() - started;
      assert.ok(ms < TEST_POLL_INTERVAL_MS / 4, `close took ${Math.round(ms)} ms`);
    }
  });
});
