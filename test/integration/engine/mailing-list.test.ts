// A mailing list hosted by a real `mt2d serve` (news@alpha.test, made with `mt2d list
// add`), and two engines on the same domain (bob and carol) that subscribe, post and
// unsubscribe through the engine's API. The list's confirmation request waits for
// consent; approving it confirms; a post reaches both members re-originated and signed
// by the list; unsubscribing is one step and the next post reaches only carol.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsentRequestView, MessageSummaryView } from '../../../src/api/index.ts';
import type { Engine } from '../../../src/client/index.ts';
import {
  eventually,
  p12For,
  sentCount,
  tempDir,
  testEngine,
} from '../../helpers/engine-harness.ts';
import {
  initMt2dDir,
  runMt2d,
  startMt2dProcess,
  type Mt2dDir,
  type Mt2dProcess,
} from '../../helpers/mt2d-process.ts';

const LIST = 'news@alpha.test';
const BOB = 'bob@alpha.test';
const CAROL = 'carol@alpha.test';

interface Member {
  readonly address: string;
  readonly engine: Engine;
  readonly accountId: string;
}

/** Syncs until the one pending list request matching `kind` has arrived. */
function listRequest(member: Member, kind: string): Promise<ConsentRequestView> {
  return eventually(async () => {
    await member.engine.syncNow({});
    const requests = (await member.engine.listConsentRequests({})).filter(
      (request) => request.extension === 'mailingList',
    );
    assert.equal(requests.length, 1, `one list request pending at ${member.address}`);
    const [request] = requests;
    assert.ok(request !== undefined);
    assert.match(request.payload ?? '', new RegExp(`^<${kind}\\b`), request.payload);
    return request;
  });
}

async function memberships(member: Member): Promise<[string, string][]> {
  return (await member.engine.listMemberships({})).map((entry) => [entry.list, entry.status]);
}

async function inboxWithSubject(member: Member, subject: string): Promise<MessageSummaryView[]> {
  await member.engine.syncNow({});
  const page = await member.engine.listMessages({ folder: 'inbox', limit: 100 });
  return page.items.filter((item) => item.subject === subject);
}

async function post(from: Member, subject: string): Promise<void> {
  await from.engine.send({
    accountId: from.accountId,
    to: [LIST],
    cc: [],
    subject,
    text: `${subject}: see you there.`,
    attachments: [],
    sign: true,
    encrypt: false,
    requestReadNotification: false,
  });
  await from.engine.syncNow({});
}

/** Subscribes `member`: the request, the confirmation after consent, the welcome. */
async function subscribe(member: Member): Promise<void> {
  await member.engine.subscribeList({ list: LIST });
  assert.deepEqual(await memberships(member), [[LIST, 'joining']]);

  const confirm = await listRequest(member, 'confirmRequired');
  assert.equal(confirm.senderVerified, true, 'signed by the list, certified by alpha.test');
  assert.match(confirm.willSend, new RegExp(`^To ${LIST}: <confirm\\b`));
  const before = await sentCount(member.engine);
  assert.deepEqual(await memberships(member), [[LIST, 'joining']], 'nothing before consent');
  await member.engine.decideConsent({ id: confirm.id, decision: 'approve' });
  assert.equal(await sentCount(member.engine), before + 1, 'approval sends the confirmation');
  assert.deepEqual(await memberships(member), [[LIST, 'confirming']]);
  await member.engine.syncNow({});

  const welcome = await listRequest(member, 'subscribed');
  // Trusting the list from now on: its answers to what the user asks apply by default.
  await member.engine.decideConsent({
    id: welcome.id,
    decision: 'approve',
    remember: { sender: true, rule: 'always' },
  });
  assert.deepEqual(await memberships(member), [[LIST, 'member']]);
}

describe('a mailing list hosted by mt2d, used from two engines', () => {
  let mt2d: Mt2dDir;
  let server: Mt2dProcess;
  /** Undone in reverse order, whatever `before` got to. */
  const cleanups: (() => Promise<unknown>)[] = [];
  let bob: Member;
  let carol: Member;

  async function member(address: string): Promise<Member> {
    const folder = await tempDir();
    cleanups.push(() => folder.remove());
    const p12 = await p12For(mt2d.dir, address, 'p12 password');
    const engine = await testEngine({
      dataDir: folder.dir,
      hostAliases: { [mt2d.hostname]: '127.0.0.1' },
    });
    cleanups.push(() => engine.close());
    const account = await engine.importIdentity({
      p12: p12.toString('base64'),
      p12Password: 'p12 password',
      passphrase: `${address} passphrase`,
      server: { host: mt2d.hostname, port: server.port },
    });
    return { address, engine, accountId: account.id };
  }

  before(async () => {
    mt2d = await initMt2dDir('alpha.test');
    cleanups.push(() => mt2d.remove());
    const added = await runMt2d(['list', 'add', '--dir', mt2d.dir, LIST, '--name', 'News']);
    assert.equal(added.code, 0, added.stderr);
    server = await startMt2dProcess(mt2d.dir);
    cleanups.push(() => server.stop());
    bob = await member(BOB);
    carol = await member(CAROL);
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test('subscribe: the confirmation waits for consent, approving it confirms', async () => {
    await subscribe(bob);
    await subscribe(carol);
    const listed = await runMt2d(['list', 'members', '--dir', mt2d.dir, LIST]);
    assert.deepEqual(listed.stdout.split('\n').filter(Boolean), [BOB, CAROL]);
    const [membership] = await bob.engine.listMemberships({});
    assert.equal(membership?.name, 'News');
  });

  test('a post reaches both members, verified and signed by the list', async () => {
    await post(carol, 'Friday meeting');
    for (const party of [bob, carol]) {
      const [item] = await eventually(async () => {
        const found = await inboxWithSubject(party, 'Friday meeting');
        assert.equal(found.length, 1, `the post reached ${party.address}`);
        return found;
      });
      assert.ok(item !== undefined);
      assert.equal(item.from.address, CAROL, 'From: still says who wrote it');
      const view = await eventually(async () => {
        const opened = await party.engine.getMessage({ ref: item.ref });
        assert.equal(opened.security.badge, 'verified', opened.security.summary);
        return opened;
      });
      assert.equal(view.security.signature.state, 'valid');
      assert.equal(view.security.signature.signer?.address, LIST, 'signed by the list');
      assert.equal(view.requests.length, 0, 'a post asks nothing');
    }
  });

  test('unsubscribe is one step; the next post does not arrive', async () => {
    const pending = (await bob.engine.listConsentRequests({})).length;
    await bob.engine.unsubscribeList({ list: LIST });
    assert.deepEqual(await memberships(bob), [[LIST, 'leaving']]);
    // The list's answer is applied by the default set when joining: nothing to approve.
    await eventually(async () => {
      await bob.engine.syncNow({});
      assert.deepEqual(await memberships(bob), []);
    });
    assert.equal((await bob.engine.listConsentRequests({})).length, pending);
    const listed = await runMt2d(['list', 'members', '--dir', mt2d.dir, LIST]);
    assert.deepEqual(listed.stdout.split('\n').filter(Boolean), [CAROL]);

    await post(carol, 'Saturday meeting');
    await eventually(async () => {
      assert.equal((await inboxWithSubject(carol, 'Saturday meeting')).length, 1);
    });
    // The list stores a post for all its members at once: carol has it, so bob would.
    assert.equal(server.events.filter((event) => event.event === 'list.posted').length, 2);
    await bob.engine.syncNow({});
    assert.deepEqual(await inboxWithSubject(bob, 'Saturday meeting'), [], 'bob is off the list');
    assert.deepEqual(await memberships(carol), [[LIST, 'member']]);
  });
});
