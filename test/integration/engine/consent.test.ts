// Recipient extensions through two engines (bob and carol) on a real mt2d: nothing is
// applied or sent before consent, approval sends exactly what was declared, an
// unverified sender is never processed automatically, a malformed payload is refused
// with its reason, and a whole chess game ends in a PGN that pgn-extract accepts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsentRequestView, ChessGameView } from '../../../src/api/index.ts';
import type { Engine } from '../../../src/client/index.ts';
import { CHESS_OID, RECIPIENT_EXTENSIONS, encodePayload } from '../../../src/extensions/index.ts';
import { option } from '../../../src/protocol/index.ts';
import {
  PASSPHRASE,
  p12For,
  remoteSetup,
  tempDir,
  testEngine,
  type RemoteSetup,
  sentCount,
} from '../../helpers/engine-harness.ts';
import { connectUser, makeUser, type TestUser } from '../../helpers/mt2d-process.ts';
import { checkPgn } from '../../helpers/pgn-extract.ts';
import { buildSignedMessage, type MessageDraft } from '../../helpers/signed-message.ts';

const BOB = 'bob@alpha.test';
const CAROL = 'carol@alpha.test';
const NEWS = 'news@alpha.test';
const DAVE = 'dave@alpha.test';

interface Party {
  readonly engine: Engine;
  readonly accountId: string;
}

/** Sends what `party` queued, then lets `to` receive it. */
async function deliver(from: Party, to: Party): Promise<void> {
  await from.engine.syncNow({});
  await to.engine.syncNow({});
}

async function onlyRequest(engine: Engine, extension: string): Promise<ConsentRequestView> {
  const requests = (await engine.listConsentRequests({})).filter(
    (request) => request.extension === extension,
  );
  assert.equal(requests.length, 1, `one ${extension} request pending`);
  const [request] = requests;
  assert.ok(request !== undefined);
  return request;
}

/** The payload of a declared reply (`To x: <payload>`). */
function declaredPayload(willSend: string, to: string): string {
  const prefix = `To ${to}: `;
  assert.ok(willSend.startsWith(prefix), willSend);
  return willSend.slice(prefix.length);
}

/** A received payload without its approval mark, to compare with what was declared. */
function withoutMark(payload: string, by: 'person' | 'default'): string {
  const mark = ` approval="${by}"`;
  assert.ok(payload.includes(mark), `the reply says who approved it: ${payload}`);
  return payload.replace(mark, '');
}

/** Sends `user`'s signed messages to bob over one session; returns their ids. */
async function sendRaw(
  setup: RemoteSetup,
  user: TestUser,
  ...drafts: Pick<MessageDraft, 'headerExtensions' | 'encrypt'>[]
): Promise<string[]> {
  const connection = await connectUser(setup.server, user, { hostname: setup.mt2d.hostname });
  try {
    await connection.session.opt([option('PIPE', 'ON')]);
    const ids: string[] = [];
    for (const draft of drafts) {
      const message = await buildSignedMessage(
        {
          from: user.address,
          to: [BOB],
          subject: 'extension',
          ...draft,
        },
        user.credentials,
      );
      await connection.session.transferMessage(message.msgId, message.parts);
      ids.push(message.msgId);
    }
    await connection.session.quit();
    return ids;
  } finally {
    connection.destroy();
  }
}

describe('recipient extensions between two engines on a real mt2d', () => {
  let setup: RemoteSetup;
  let carolData: { dir: string; remove(): Promise<void> };
  let bob: Party;
  let carol: Party;
  let news: TestUser;

  before(async () => {
    setup = await remoteSetup();
    carolData = await tempDir();
    const p12 = await p12For(setup.mt2d.dir, CAROL, 'carol p12');
    const engine = await testEngine({ ...setup.engineOptions, dataDir: carolData.dir });
    const account = await engine.importIdentity({
      p12: p12.toString('base64'),
      p12Password: 'carol p12',
      passphrase: 'carol passphrase',
      server: { host: setup.mt2d.hostname, port: setup.server.port },
    });
    carol = { engine, accountId: account.id };
    bob = { engine: setup.engine, accountId: setup.accountId };
    news = await makeUser(setup.mt2d.dir, NEWS);
  });
  after(async () => {
    await carol.engine.close().catch(() => undefined);
    await carolData.remove();
    await setup.cleanup();
  });

  test('chess: nothing before consent, the declared accept, a game to mate, pgn-extract agrees', async () => {
    const started = await carol.engine.startChessGame({ opponent: BOB, color: 'w' });
    assert.equal(started.status, 'challenged');
    await deliver(carol, bob);

    const challenge = await onlyRequest(bob.engine, 'chess');
    assert.equal(challenge.senderVerified, true);
    const inbox = await bob.engine.listMessages({ folder: 'inbox', limit: 10 });
    const carrier = inbox.items.find((item) => item.pendingRequests === 1);
    assert.ok(carrier !== undefined, 'the message shows its pending request');
    const opened = await bob.engine.getMessage({ ref: carrier.ref });
    assert.deepEqual(
      opened.requests.map((request) => request.id),
      [challenge.id],
    );
    assert.deepEqual(await bob.engine.listChessGames({}), [], 'no game before consent');
    assert.equal(await sentCount(bob.engine), 0, 'nothing sent before consent');

    await bob.engine.decideConsent({ id: challenge.id, decision: 'approve' });
    assert.equal(await sentCount(bob.engine), 1, 'approval sends one message');
    const [bobGame] = await bob.engine.listChessGames({});
    assert.equal(bobGame?.status, 'active');
    await deliver(bob, carol);

    const accept = await onlyRequest(carol.engine, 'chess');
    assert.equal(
      withoutMark(accept.payload ?? '', 'person'),
      declaredPayload(challenge.willSend, CAROL),
      'carol received exactly what bob was shown',
    );
    await carol.engine.decideConsent({
      id: accept.id,
      decision: 'approve',
      remember: { sender: true, rule: 'always' },
    });
    await bob.engine.setConsentDefault({ extension: 'chess', sender: CAROL, rule: 'always' });

    // Fool's mate, with refusals on the way: out of turn, illegal.
    await assert.rejects(bob.engine.chessMove({ game: started.id, move: 'e5' }), {
      code: 'ENGINE_CONSENT',
      message: /not your turn/,
    });
    await assert.rejects(carol.engine.chessMove({ game: started.id, move: 'e5' }), {
      code: 'ENGINE_CONSENT',
      message: /not a legal move/,
    });
    const moves: [Party, Party, string][] = [
      [carol, bob, 'f3'],
      [bob, carol, 'e5'],
      [carol, bob, 'g4'],
      [bob, carol, 'Qh4#'],
    ];
    let last: ChessGameView | undefined;
    for (const [mover, other, move] of moves) {
      last = await mover.engine.chessMove({ game: started.id, move });
      await deliver(mover, other);
      const [seen] = await other.engine.listChessGames({});
      assert.equal(seen?.plies, last.plies, `${move} arrived and was applied by the default`);
    }
    assert.equal(last?.status, '0-1');
    const [carolGame] = await carol.engine.listChessGames({});
    assert.equal(carolGame?.status, '0-1');
    assert.equal(carolGame.pgn, last.pgn);
    const report = await checkPgn(carolGame.pgn);
    assert.ok(report.accepted, report.report);
    const audit = await bob.engine.auditLog({});
    assert.ok(
      audit.some((entry) => entry.action === 'autoApproved' && entry.decidedBy === 'default'),
    );
  });

  test('chess: a draw offer is answered from the game, declined with a notice, then accepted', async () => {
    await bob.engine.setConsentDefault({ extension: 'chess', sender: CAROL, rule: 'ask' });
    const started = await carol.engine.startChessGame({ opponent: BOB, color: 'w' });
    await deliver(carol, bob);
    const challenge = await onlyRequest(bob.engine, 'chess');
    await bob.engine.decideConsent({ id: challenge.id, decision: 'approve' });
    await deliver(bob, carol);
    const game = async (party: Party) => {
      const found = (await party.engine.listChessGames({})).find((g) => g.id === started.id);
      assert.ok(found !== undefined);
      return found;
    };
    assert.equal((await game(carol)).status, 'active', "carol's default applied the accept");

    await carol.engine.chessOfferDraw({ game: started.id });
    await deliver(carol, bob);
    const offer = await onlyRequest(bob.engine, 'chess');
    const offered = await game(bob);
    assert.equal(offered.drawOfferRequest, offer.id, 'the game shows the offer to answer');
    assert.equal(offered.status, 'active', 'nothing applied before the answer');
    await bob.engine.decideConsent({ id: offer.id, decision: 'decline', notifySender: true });
    assert.equal((await game(bob)).drawOfferRequest, undefined);
    await deliver(bob, carol);
    assert.equal((await game(carol)).drawOfferedBy, undefined, 'carol learnt the decline');

    await carol.engine.chessOfferDraw({ game: started.id });
    await deliver(carol, bob);
    const again = await onlyRequest(bob.engine, 'chess');
    assert.equal((await game(bob)).drawOfferRequest, again.id);
    await bob.engine.decideConsent({ id: again.id, decision: 'approve' });
    await deliver(bob, carol);
    assert.equal((await game(bob)).status, '1/2-1/2');
    assert.equal((await game(carol)).status, '1/2-1/2');
  });

  test('vCard: blocked until bob has one, then exactly the card; carol learns it with the certificate', async () => {
    await carol.engine.requestVcard({ to: BOB });
    await deliver(carol, bob);
    const request = await onlyRequest(bob.engine, 'vcard');
    assert.equal(request.heldBecause, 'BLOCKED');
    const before = await sentCount(bob.engine);
    await assert.rejects(bob.engine.decideConsent({ id: request.id, decision: 'approve' }), {
      code: 'ENGINE_CONSENT',
    });
    assert.equal(await sentCount(bob.engine), before, 'nothing sent while blocked');

    await bob.engine.setMyVcard({ fullName: 'Bob Example', emails: [BOB] });
    // What approval would send changed: the item shows it again before anything goes out.
    await assert.rejects(bob.engine.decideConsent({ id: request.id, decision: 'approve' }), {
      code: 'ENGINE_CONSENT',
      message: /review it again/,
    });
    const renewed = await onlyRequest(bob.engine, 'vcard');
    assert.match(renewed.willSend, /Bob Example/);
    assert.deepEqual(renewed.vcard, {
      source: 'answer',
      fullName: 'Bob Example',
      emails: [BOB],
      phones: [],
    });
    await bob.engine.decideConsent({ id: renewed.id, decision: 'approve' });
    assert.equal(await sentCount(bob.engine), before + 1);
    await deliver(bob, carol);

    const card = await onlyRequest(carol.engine, 'vcard');
    assert.equal(
      withoutMark(card.payload ?? '', 'person'),
      declaredPayload(renewed.willSend, CAROL),
    );
    const [shown] = renewed.replies ?? [];
    assert.ok(shown !== undefined);
    assert.equal(card.payload, shown.payload, 'bob was shown the payload exactly as it went out');
    assert.equal(shown.to, CAROL);
    assert.equal(shown.subject, 'Contact card: Bob Example');
    const arrived = (await carol.engine.listMessages({ folder: 'inbox', limit: 50 })).items.find(
      (item) => item.subject === shown.subject,
    );
    assert.ok(arrived !== undefined, 'the subject shown is the subject sent');
    const body = await carol.engine.openBody({ ref: arrived.ref });
    assert.equal(body.text?.trim(), shown.text);
    assert.deepEqual(card.vcard, {
      source: 'received',
      fullName: 'Bob Example',
      emails: [BOB],
      phones: [],
    });
    assert.deepEqual(await carol.engine.listVcardContacts({}), [], 'not learned before consent');
    await carol.engine.decideConsent({ id: card.id, decision: 'approve' });
    const [contact] = await carol.engine.listVcardContacts({});
    assert.equal(contact?.fullName, 'Bob Example');
    assert.equal(contact.verified, true);
    const bobCertificate = (await carol.engine.listContacts({})).find(
      (entry) => entry.address === BOB,
    )?.certificate?.certificate.fingerprint;
    assert.ok(bobCertificate !== undefined);
    assert.equal(contact.certificateFingerprint, bobCertificate);
  });

  test('an unverified sender stays pending even with "always"', async () => {
    await bob.engine.setConsentDefault({ extension: 'vcard', rule: 'always' });
    const view = await bob.engine.trustSettings({});
    const trust = {
      blacklistedIssuerDomains: [...view.blacklistedIssuerDomains],
      vouchedAddresses: [...view.vouchedAddresses],
      trustedGatewayHosts: [...view.trustedGatewayHosts],
      delegatedValidation: view.delegatedValidation,
    };
    await bob.engine.setTrustSettings({ ...trust, blacklistedIssuerDomains: ['alpha.test'] });
    try {
      const before = await sentCount(bob.engine);
      await carol.engine.requestVcard({ to: BOB });
      await deliver(carol, bob);
      const request = await onlyRequest(bob.engine, 'vcard');
      assert.equal(request.senderVerified, false);
      assert.equal(request.heldBecause, 'UNVERIFIED_SENDER');
      assert.equal(await sentCount(bob.engine), before, 'nothing sent automatically');
      await bob.engine.decideConsent({ id: request.id, decision: 'decline' });
      assert.equal(await sentCount(bob.engine), before, 'declined silently');
    } finally {
      await bob.engine.setTrustSettings(trust);
      await bob.engine.setConsentDefault({ extension: 'vcard', rule: 'ask' });
    }
  });

  test('a malformed payload is refused with its reason and changes nothing', async () => {
    const games = await bob.engine.listChessGames({});
    const pending = (await bob.engine.listConsentRequests({})).length;
    await sendRaw(setup, news, {
      headerExtensions: [
        {
          oid: CHESS_OID,
          critical: false,
          content: [{ name: 'nonsense', attributes: {}, children: ['not a chess payload'] }],
        },
      ],
    });
    await bob.engine.syncNow({});
    assert.equal((await bob.engine.listConsentRequests({})).length, pending);
    assert.deepEqual(await bob.engine.listChessGames({}), games);
    const refused = (await bob.engine.auditLog({})).filter((entry) => entry.action === 'refused');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.peer, NEWS);
    assert.match(refused[0].detail, /EXTENSION_PAYLOAD_INVALID/);
  });

  test('unreadable headers are skipped with the reason logged; the round goes on', async () => {
    const pending = (await bob.engine.listConsentRequests({})).length;
    const [damaged, readable] = await sendRaw(
      setup,
      news,
      // Encrypted to the sender alone: signed and valid, unreadable to anyone else.
      { encrypt: { parts: ['headers'], recipients: [] } },
      { headerExtensions: [encodePayload(RECIPIENT_EXTENSIONS.vcard, { kind: 'request' })] },
    );
    await bob.engine.syncNow({});
    const skipped = (await bob.engine.auditLog({})).filter((entry) => entry.messageId === damaged);
    assert.equal(skipped.length, 1, JSON.stringify(skipped));
    assert.equal(skipped[0]?.action, 'refused');
    assert.equal(skipped[0].peer, NEWS);
    assert.match(
      skipped[0].detail,
      /cannot be read.*no recipient is.*\(EXTENSION_HEADERS_UNREADABLE\)$/,
    );
    const requests = await bob.engine.listConsentRequests({});
    assert.equal(requests.length, pending + 1, 'the next message of the round was handled');
    const request = requests.find((entry) => entry.messageId === readable);
    assert.ok(request !== undefined);
    await bob.engine.decideConsent({ id: request.id, decision: 'decline' });
  });

  test('mailing list: the confirmation waits for consent; unsubscribing is one step', async () => {
    await bob.engine.subscribeList({ list: NEWS });
    assert.deepEqual(
      (await bob.engine.listMemberships({})).map((entry) => [entry.list, entry.status]),
      [[NEWS, 'joining']],
    );
    await bob.engine.syncNow({});
    const confirmRequired = encodePayload(RECIPIENT_EXTENSIONS.mailingList, {
      kind: 'confirmRequired',
      list: NEWS,
      action: 'subscribe',
      token: 'a'.repeat(32),
    });
    const before = await sentCount(bob.engine);
    await sendRaw(setup, news, { headerExtensions: [confirmRequired] });
    await bob.engine.syncNow({});
    const request = await onlyRequest(bob.engine, 'mailingList');
    assert.equal(await sentCount(bob.engine), before, 'no confirmation before consent');
    assert.equal((await bob.engine.listMemberships({}))[0]?.status, 'joining');
    await bob.engine.decideConsent({ id: request.id, decision: 'approve' });
    assert.equal(await sentCount(bob.engine), before + 1);
    assert.equal((await bob.engine.listMemberships({}))[0]?.status, 'confirming');
    await bob.engine.syncNow({});

    await sendRaw(setup, news, {
      headerExtensions: [
        encodePayload(RECIPIENT_EXTENSIONS.mailingList, { kind: 'subscribed', list: NEWS }),
      ],
    });
    await bob.engine.syncNow({});
    const welcome = await onlyRequest(bob.engine, 'mailingList');
    await bob.engine.decideConsent({ id: welcome.id, decision: 'approve' });
    assert.equal((await bob.engine.listMemberships({}))[0]?.status, 'member');
    await bob.engine.unsubscribeList({ list: NEWS });
    assert.equal((await bob.engine.listMemberships({}))[0]?.status, 'leaving');
  });

  test('a sender-wide default covers every extension from that sender', async () => {
    await assert.rejects(bob.engine.setConsentDefault({ extension: '*', rule: 'never' }), {
      code: 'ENGINE_CONSENT',
      message: /needs a sender/,
    });
    try {
      await bob.engine.setConsentDefault({ extension: '*', sender: CAROL, rule: 'never' });
      assert.deepEqual(
        (await bob.engine.listConsentDefaults({})).filter((entry) => entry.extension === '*'),
        [{ extension: '*', sender: CAROL, rule: 'never' }],
      );
      const pending = (await bob.engine.listConsentRequests({})).length;
      const sent = await sentCount(bob.engine);
      await carol.engine.requestVcard({ to: BOB });
      await deliver(carol, bob);
      assert.equal((await bob.engine.listConsentRequests({})).length, pending, 'not held');
      assert.equal(await sentCount(bob.engine), sent, 'declined silently');
      const declined = (await bob.engine.auditLog({}))
        .filter((entry) => entry.action === 'declined' && entry.peer === CAROL)
        .at(-1);
      assert.equal(declined?.decidedBy, 'default');
      assert.equal(declined.detail, 'declined silently by a default');

      await bob.engine.setConsentDefault({ extension: '*', sender: CAROL, rule: 'always' });
      await carol.engine.requestVcard({ to: BOB });
      await deliver(carol, bob);
      assert.equal((await bob.engine.listConsentRequests({})).length, pending, 'not held');
      assert.equal(await sentCount(bob.engine), sent + 1, 'answered by the default');
      await deliver(bob, carol);
      const card = await onlyRequest(carol.engine, 'vcard');
      assert.match(
        card.payload ?? '',
        /approval="default"/,
        'the reply says a default approved it',
      );
      await carol.engine.decideConsent({ id: card.id, decision: 'decline' });
    } finally {
      await bob.engine.setConsentDefault({ extension: '*', sender: CAROL, rule: 'ask' });
    }
  });

  test('read notification asked in encrypted headers: pending until bob decides', async () => {
    const before = await sentCount(bob.engine);
    await carol.engine.send({
      accountId: carol.accountId,
      to: [BOB],
      cc: [],
      subject: 'Did you read this?',
      text: 'Secret text.',
      attachments: [],
      sign: true,
      encrypt: true,
      requestReadNotification: true,
    });
    await deliver(carol, bob);
    const request = await onlyRequest(bob.engine, 'disposition');
    assert.equal(request.senderVerified, true);
    assert.equal(await sentCount(bob.engine), before);
    await bob.engine.decideConsent({ id: request.id, decision: 'approve' });
    assert.equal(await sentCount(bob.engine), before + 1);
    await deliver(bob, carol);
    const notification = await onlyRequest(carol.engine, 'disposition');
    assert.equal(
      withoutMark(notification.payload ?? '', 'person'),
      declaredPayload(request.willSend, CAROL),
    );
  });

  // Last: it adds a second account to bob's engine.
  test('a second account: its requests are answered from it, not from the first', async () => {
    const p12 = await p12For(setup.mt2d.dir, DAVE, 'dave p12');
    await bob.engine.importIdentity({
      p12: p12.toString('base64'),
      p12Password: 'dave p12',
      passphrase: PASSPHRASE,
      server: { host: setup.mt2d.hostname, port: setup.server.port },
    });
    const started = await carol.engine.startChessGame({ opponent: DAVE, color: 'b' });
    await carol.engine.requestVcard({ to: DAVE });
    await deliver(carol, bob);
    const requests = (await bob.engine.listConsentRequests({})).filter(
      (request) => request.from.address === CAROL,
    );
    assert.deepEqual(
      requests.map((request) => [request.extension, request.to?.address]),
      [
        ['chess', DAVE],
        ['vcard', DAVE],
      ],
    );
    for (const request of requests) {
      await bob.engine.decideConsent({ id: request.id, decision: 'approve' });
    }
    const daveGame = (await bob.engine.listChessGames({})).find((game) => game.id === started.id);
    assert.equal(daveGame?.white, DAVE, 'the challenge was for dave, and dave plays it');
    await deliver(bob, carol);
    const answers = (await carol.engine.listConsentRequests({})).filter(
      (request) => request.from.address === DAVE,
    );
    assert.deepEqual(
      answers.map((answer) => [answer.extension, answer.senderVerified, answer.to?.address]),
      [
        ['chess', true, CAROL],
        ['vcard', true, CAROL],
      ],
      'both replies came from dave, signed by dave',
    );

    // Dave's moves in that game go out from dave too.
    const [accept] = answers;
    assert.ok(accept !== undefined);
    await carol.engine.decideConsent({ id: accept.id, decision: 'approve' });
    await bob.engine.chessMove({ game: started.id, move: 'e4' });
    await deliver(bob, carol);
    const move = (await carol.engine.listConsentRequests({})).find(
      (request) => request.extension === 'chess',
    );
    assert.equal(move?.from.address, DAVE);
    assert.equal(move.senderVerified, true);
    await carol.engine.decideConsent({ id: move.id, decision: 'approve' });
    const carolGame = (await carol.engine.listChessGames({})).find((g) => g.id === started.id);
    assert.equal(carolGame?.plies, 1, "dave's move applied at carol's");
  });
});
