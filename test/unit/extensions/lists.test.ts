import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LIST_NAMESPACE,
  MAILING_LIST_OID,
  RECIPIENT_EXTENSIONS,
  decodePayload,
  encodePayload,
  LIST_CONFIRMATION_TTL_MS,
  MAX_LIST_CONFIRMATIONS,
  handleListControl,
  listsImOn,
  subscribeToList,
  unsubscribeFromList,
  writePayloadRoot,
  xmlElement,
  type HostedList,
  type OutgoingMessage,
  type ReceiveResult,
} from '../../../src/extensions/index.ts';
import { decodeHeaders, encodeHeaders, type Mt2Extension } from '../../../src/message/index.ts';
import {
  FIXED_NOW,
  extension,
  incoming,
  stateSnapshot,
  unverified,
  verified,
} from './fixtures/mail.ts';
import { PostOffice, type PostUser } from './fixtures/post.ts';

const LIST = 'chess-club@lists.example';
const ALICE = 'alice@one.example';
const BOB = 'bob@two.example';
const MAILING = RECIPIENT_EXTENSIONS.mailingList;

/** A list host on the simulated network: reads control messages and answers them. */
class ListHost {
  list: HostedList = { address: LIST, name: 'Chess club', members: [], confirmations: [] };
  now = FIXED_NOW;
  #tokens = 0;

  constructor(readonly post: PostOffice) {}

  /** Takes `message` from a member (sender verified unless said otherwise); delivers the answers. */
  take(message: OutgoingMessage, senderVerified = true): ReceiveResult[] {
    const headers = decodeHeaders(encodeHeaders(message.headers));
    const element = headers.extensions.find((candidate) => candidate.oid === MAILING_LIST_OID);
    assert.ok(element);
    const { payload } = decodePayload(MAILING, element.content);
    const result = handleListControl(
      this.list,
      { address: message.from, verified: senderVerified },
      payload,
      { now: this.now, makeToken: () => `token-${String(++this.#tokens).padStart(16, '0')}` },
    );
    this.list = result.list;
    return result.answers.map((answer) =>
      this.#send(answer.to, encodePayload(MAILING, answer.payload)),
    );
  }

  #send(to: string, element: Mt2Extension, senderVerified = true): ReceiveResult {
    return this.post
      .user(to)
      .engine.receive(incoming(senderVerified ? verified(LIST) : unverified(LIST), to, [element]));
  }

  /** Sends the user an answer straight from the list (for forged or unexpected answers). */
  sendRaw(to: string, element: Mt2Extension, senderVerified = true): ReceiveResult {
    return this.#send(to, element, senderVerified);
  }
}

function setUp(): { post: PostOffice; alice: PostUser; bob: PostUser; host: ListHost } {
  const post = new PostOffice();
  return { post, alice: post.add(ALICE), bob: post.add(BOB), host: new ListHost(post) };
}

function only(results: readonly ReceiveResult[]): ReceiveResult {
  assert.equal(results.length, 1);
  const [result] = results;
  assert.ok(result);
  return result;
}

/** Alice subscribes and confirms; returns after she is a member. */
function join(user: PostUser, host: ListHost): void {
  const ask = only(
    host.take(user.engine.initiate('mailingList', subscribeToList(LIST, FIXED_NOW))),
  );
  const [confirm] = user.engine.decide(ask.pending[0]?.id ?? '', { kind: 'approve' });
  assert.ok(confirm);
  const done = only(host.take(confirm));
  user.engine.decide(done.pending[0]?.id ?? '', { kind: 'approve' });
}

describe('mailing-list management', () => {
  test('the confirmation request changes nothing until consent; approval sends exactly the confirm', () => {
    const { alice, host } = setUp();
    const ask = only(
      host.take(alice.engine.initiate('mailingList', subscribeToList(LIST, FIXED_NOW))),
    );
    assert.deepEqual(ask.outgoing, []);
    assert.equal(alice.store.get('listMemberships', LIST)?.status, 'joining');
    const before = stateSnapshot(alice.store);
    const [item] = ask.pending;
    assert.ok(item);
    assert.deepEqual(stateSnapshot(alice.store), before);
    const [confirm] = alice.engine.decide(item.id, { kind: 'approve' });
    assert.ok(confirm);
    assert.deepEqual(confirm.to, [LIST]);
    const expected = {
      kind: 'confirm',
      list: LIST,
      action: 'subscribe',
      token: 'token-0000000000000001',
    };
    assert.deepEqual(item.declared, [
      { to: LIST, content: encodePayload(MAILING, expected as never).content },
    ]);
    assert.deepEqual(decodePayload(MAILING, confirm.headers.extensions[0]?.content ?? []), {
      payload: expected,
      approval: 'person',
    });
    const welcome = only(host.take(confirm));
    assert.deepEqual(host.list.members, [ALICE]);
    alice.engine.decide(welcome.pending[0]?.id ?? '', { kind: 'approve' });
    assert.deepEqual(
      listsImOn(alice.store).map((membership) => [membership.list, membership.name]),
      [[LIST, 'Chess club']],
    );
  });

  test('an unverified list stays pending even with "always" set', () => {
    const { alice, host } = setUp();
    alice.engine.setPolicy({ kind: 'extension', extension: 'mailingList' }, 'always');
    alice.engine.initiate('mailingList', subscribeToList(LIST, FIXED_NOW));
    const result = host.sendRaw(
      ALICE,
      encodePayload(MAILING, {
        kind: 'confirmRequired',
        list: LIST,
        action: 'subscribe',
        token: 'x'.repeat(22),
      }),
      false,
    );
    assert.equal(result.pending[0]?.heldBecause, 'UNVERIFIED_SENDER');
    assert.deepEqual(result.outgoing, []);
    assert.equal(alice.store.get('listMemberships', LIST)?.status, 'joining');
  });

  test('with "always" for the list, joining and leaving take one step each for the user', () => {
    const { alice, host } = setUp();
    alice.engine.setPolicy(
      { kind: 'senderExtension', sender: LIST, extension: 'mailingList' },
      'always',
    );
    const ask = only(
      host.take(alice.engine.initiate('mailingList', subscribeToList(LIST, FIXED_NOW))),
    );
    const [confirm] = ask.outgoing;
    assert.ok(confirm);
    only(host.take(confirm));
    assert.equal(listsImOn(alice.store).length, 1);
    only(
      host.take(
        alice.engine.initiate('mailingList', unsubscribeFromList(alice.store, LIST, FIXED_NOW)),
      ),
    );
    assert.deepEqual(host.list.members, []);
    assert.deepEqual(alice.store.list('listMemberships'), []);
  });

  test('nobody can subscribe someone else: the victim never asked, so the confirmation is refused', () => {
    const { alice, bob, host } = setUp();
    // Alice sends a subscribe request with Bob's address (a forged, unverified sender).
    const forged = {
      ...alice.engine.initiate('mailingList', subscribeToList(LIST, FIXED_NOW)),
      from: BOB,
    };
    const result = only(host.take(forged, false));
    assert.equal(result.refused[0]?.error.code, 'LIST_NOT_REQUESTED');
    assert.deepEqual(bob.engine.pendingItems(), []);
    assert.deepEqual(host.list.members, []);
  });

  test('answers for lists not asked, from the wrong address or with a bad token are refused', () => {
    const { alice, bob, host } = setUp();
    join(alice, host);
    const before = stateSnapshot(bob.store);
    const unasked = host.sendRaw(BOB, encodePayload(MAILING, { kind: 'subscribed', list: LIST }));
    assert.equal(unasked.refused[0]?.error.code, 'LIST_NOT_REQUESTED');
    const notMember = host.sendRaw(
      BOB,
      encodePayload(MAILING, { kind: 'unsubscribed', list: LIST }),
    );
    assert.equal(notMember.refused[0]?.error.code, 'LIST_NOT_MEMBER');
    bob.engine.initiate('mailingList', subscribeToList('other@lists.example', FIXED_NOW));
    const impostor = host.sendRaw(
      BOB,
      encodePayload(MAILING, { kind: 'subscribed', list: 'other@lists.example' }),
    );
    assert.equal(impostor.refused[0]?.error.code, 'LIST_NOT_REQUESTED');
    assert.notDeepEqual(stateSnapshot(bob.store), before, 'Bob did ask to join the other list');
    assert.equal(bob.store.get('listMemberships', 'other@lists.example')?.status, 'joining');
    // A confirm with the wrong token is refused by the list host, and the membership lapses.
    const ask = only(
      host.take(bob.engine.initiate('mailingList', subscribeToList(LIST, FIXED_NOW))),
    );
    assert.ok(ask.pending[0]);
    const wrong = bob.engine.initiate('mailingList', {
      to: [LIST],
      payload: { kind: 'confirm', list: LIST, action: 'subscribe', token: 'wrong-token-00000000' },
      writes: [],
    });
    const refusal = only(host.take(wrong));
    bob.engine.decide(refusal.pending[0]?.id ?? '', { kind: 'approve' });
    assert.deepEqual(host.list.members, [ALICE]);
    assert.equal(bob.store.get('listMemberships', LIST), undefined);
  });

  test('malformed payloads and list requests sent to a person are refused; nothing applied', () => {
    const { alice } = setUp();
    const before = stateSnapshot(alice.store);
    const cases: [Parameters<typeof xmlElement>, string, string][] = [
      [['subscribe', {}], 'EXTENSION_PAYLOAD_INVALID', '/subscribe/@list'],
      [
        ['confirmRequired', { list: LIST, action: 'subscribe', token: 'short' }],
        'EXTENSION_PAYLOAD_INVALID',
        '/confirmRequired/@token',
      ],
      [
        ['confirmRequired', { list: LIST, action: 'join', token: 'x'.repeat(20) }],
        'EXTENSION_PAYLOAD_INVALID',
        '/confirmRequired/@action',
      ],
      [
        ['refused', { list: LIST, reason: 'BECAUSE' }],
        'EXTENSION_PAYLOAD_INVALID',
        '/refused/@reason',
      ],
      [
        ['subscribed', { list: LIST }, [xmlElement('extra')]],
        'EXTENSION_PAYLOAD_INVALID',
        '/subscribed/extra',
      ],
      [['subscribe', { list: LIST }], 'EXTENSION_UNEXPECTED_KIND', ''],
    ];
    for (const [args, code, path] of cases) {
      const content = writePayloadRoot(xmlElement(...args), LIST_NAMESPACE, 1);
      const result = alice.engine.receive(
        incoming(verified(LIST), ALICE, [extension(MAILING_LIST_OID, content)]),
      );
      assert.equal(result.refused[0]?.error.code, code);
      assert.equal(result.refused[0].error.path, path);
    }
    assert.deepEqual(stateSnapshot(alice.store), before);
    assert.throws(() => unsubscribeFromList(alice.store, LIST, FIXED_NOW), {
      code: 'LIST_NOT_MEMBER',
    });
  });

  test('list host: an unverified unsubscribe needs the token; a verified one is one step', () => {
    const { alice, bob, host } = setUp();
    join(alice, host);
    join(bob, host);
    assert.deepEqual(host.list.members, [ALICE, BOB]);
    const ask = only(
      host.take(
        alice.engine.initiate('mailingList', unsubscribeFromList(alice.store, LIST, FIXED_NOW)),
        false,
      ),
    );
    assert.deepEqual(host.list.members, [ALICE, BOB], 'not yet: the token must come back');
    const [confirm] = alice.engine.decide(ask.pending[0]?.id ?? '', { kind: 'approve' });
    assert.ok(confirm);
    only(host.take(confirm, false));
    assert.deepEqual(host.list.members, [BOB]);
    only(
      host.take(
        bob.engine.initiate('mailingList', unsubscribeFromList(bob.store, LIST, FIXED_NOW)),
      ),
    );
    assert.deepEqual(host.list.members, []);
    assert.deepEqual(host.list.confirmations, []);
  });

  test('list host: tokens expire after the TTL; a full confirmation queue and a closed list refuse', () => {
    const { alice, host } = setUp();
    const ask = only(
      host.take(alice.engine.initiate('mailingList', subscribeToList(LIST, FIXED_NOW))),
    );
    const [confirm] = alice.engine.decide(ask.pending[0]?.id ?? '', { kind: 'approve' });
    assert.ok(confirm);
    assert.deepEqual(
      host.list.confirmations[0]?.expiresAt,
      new Date(FIXED_NOW.getTime() + LIST_CONFIRMATION_TTL_MS),
    );
    host.now = new Date(FIXED_NOW.getTime() + LIST_CONFIRMATION_TTL_MS);
    const late = only(host.take(confirm));
    assert.deepEqual(host.list.members, []);
    assert.deepEqual(host.list.confirmations, [], 'the expired confirmation is dropped');
    alice.engine.decide(late.pending[0]?.id ?? '', { kind: 'approve' });
    assert.equal(
      alice.store.get('listMemberships', LIST),
      undefined,
      'the refusal ends the attempt',
    );

    const subscribe = (address: string, list: HostedList, maxConfirmations: number) =>
      handleListControl(
        list,
        verified(address),
        { kind: 'subscribe', list: LIST },
        { now: FIXED_NOW, maxConfirmations },
      );
    const one = subscribe(ALICE, host.list, 2);
    const two = subscribe(BOB, one.list, 2);
    assert.equal(two.answers[0]?.payload.kind, 'confirmRequired', 'the second fills the queue');
    const three = subscribe('carol@three.example', two.list, 2);
    assert.deepEqual(three.answers[0]?.payload, {
      kind: 'refused',
      list: LIST,
      reason: 'TRY_LATER',
    });
    assert.equal(three.list.confirmations.length, 2);
    const closed = subscribe(ALICE, { ...host.list, closed: true }, 2);
    assert.deepEqual(closed.answers[0]?.payload, { kind: 'refused', list: LIST, reason: 'CLOSED' });
    assert.equal(MAX_LIST_CONFIRMATIONS, 1000);
  });
});
