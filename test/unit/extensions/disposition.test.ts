import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DISPOSITION_NAMESPACE,
  DISPOSITION_OID,
  requestDisposition,
  writePayloadRoot,
  xmlElement,
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

const ALICE = 'alice@one.example';
const BOB = 'bob@two.example';
const ASSISTANT = 'assistant@one.example';
const MESSAGE_ID = 'report-7@one.example';

/** Alice sends Bob an ordinary message with a notification request riding on it. */
function sendWithRequest(
  alice: PostUser,
  bob: PostUser,
  notifyTo = ALICE,
  sender = verified(ALICE),
) {
  const element = alice.engine.attach(
    'disposition',
    requestDisposition({ messageId: MESSAGE_ID, recipients: [BOB], notifyTo }),
  );
  const headers = decodeHeaders(
    encodeHeaders({
      fields: [
        { kind: 'from', mailboxes: [{ address: ALICE }] },
        { kind: 'subject', text: 'Quarterly report' },
      ],
      extensions: [element],
    }),
  );
  return bob.engine.receive({
    messageId: MESSAGE_ID,
    sender,
    recipient: BOB,
    receivedAt: FIXED_NOW,
    headers,
  });
}

function people() {
  const post = new PostOffice();
  return { post, alice: post.add(ALICE), bob: post.add(BOB) };
}

describe('disposition notifications', () => {
  test('receiving a request changes nothing and sends nothing until the user decides', () => {
    const { alice, bob } = people();
    const before = stateSnapshot(bob.store);
    const result = sendWithRequest(alice, bob);
    assert.deepEqual(result.outgoing, []);
    assert.equal(result.pending.length, 1);
    assert.deepEqual(stateSnapshot(bob.store), before);
    assert.deepEqual(alice.store.get('dispositionRequests', MESSAGE_ID)?.notifications, []);
  });

  test('approval sends exactly the declared notification; the sender records who approved', () => {
    const { post, alice, bob } = people();
    const [item] = sendWithRequest(alice, bob).pending;
    assert.ok(item);
    const [notification] = bob.engine.decide(item.id, { kind: 'approve' });
    assert.ok(notification);
    assert.deepEqual(item.declared, [
      {
        to: ALICE,
        content: writePayloadRoot(
          xmlElement('notification', { message: MESSAGE_ID, disposition: 'displayed' }),
          DISPOSITION_NAMESPACE,
          1,
        ),
      },
    ]);
    assert.deepEqual(notification.to, [ALICE]);
    assert.deepEqual(
      notification.headers.extensions[0]?.content,
      writePayloadRoot(
        xmlElement('notification', { message: MESSAGE_ID, disposition: 'displayed' }),
        DISPOSITION_NAMESPACE,
        1,
        'person',
      ),
    );
    const [arrival] = post.deliver(notification);
    const pending = arrival?.pending[0];
    assert.ok(pending);
    alice.engine.decide(pending.id, { kind: 'approve' });
    assert.deepEqual(alice.store.get('dispositionRequests', MESSAGE_ID)?.notifications, [
      { from: BOB, disposition: 'displayed', approval: 'person', at: FIXED_NOW },
    ]);
  });

  test('an unverified sender stays pending even with "always" set', () => {
    const { alice, bob } = people();
    bob.engine.setPolicy({ kind: 'extension', extension: 'disposition' }, 'always');
    const result = sendWithRequest(alice, bob, ALICE, unverified(ALICE));
    assert.deepEqual(result.outgoing, []);
    assert.equal(result.pending[0]?.heldBecause, 'UNVERIFIED_SENDER');
  });

  test('"always" answers a verified sender, marked as sent by a default', () => {
    const { alice, bob } = people();
    bob.engine.setPolicy({ kind: 'sender', sender: ALICE }, 'always');
    const result = sendWithRequest(alice, bob);
    assert.deepEqual(result.pending, []);
    const root = result.outgoing[0]?.headers.extensions[0]?.content[0];
    assert.ok(root !== undefined && typeof root !== 'string');
    assert.equal(root.attributes['approval'], 'default');
  });

  test('RFC 8098: never automatic when the notification would go to another address', () => {
    const { alice, bob } = people();
    bob.engine.setPolicy({ kind: 'extension', extension: 'disposition' }, 'always');
    bob.engine.setPolicy({ kind: 'sender', sender: ALICE }, 'always');
    const result = sendWithRequest(alice, bob, ASSISTANT);
    assert.deepEqual(result.outgoing, []);
    const [item] = result.pending;
    assert.equal(item?.heldBecause, 'RETURN_ADDRESS_DIFFERS');
    assert.match(item.summary, /different address/);
    const [notification] = bob.engine.decide(item.id, { kind: 'approve' });
    assert.deepEqual(notification?.to, [ASSISTANT]);
  });

  test('declining never sends anything: a notice is refused as unavailable', () => {
    const { alice, bob } = people();
    const [item] = sendWithRequest(alice, bob).pending;
    assert.ok(item);
    assert.throws(() => bob.engine.decide(item.id, { kind: 'decline', notify: true }), {
      code: 'CONSENT_NOTICE_UNAVAILABLE',
    });
    assert.equal(bob.engine.pendingItems().length, 1, 'nothing changed');
    assert.deepEqual(bob.engine.decide(item.id, { kind: 'decline' }), []);
    assert.deepEqual(bob.engine.pendingItems(), []);
  });

  test('malformed payloads and unasked notifications are refused; nothing applied', () => {
    const { alice } = people();
    const before = stateSnapshot(alice.store);
    const cases: [Mt2Extension, string, string][] = [
      [
        extension(
          DISPOSITION_OID,
          writePayloadRoot(xmlElement('dispositionRequest'), DISPOSITION_NAMESPACE, 1),
        ),
        'EXTENSION_PAYLOAD_INVALID',
        '/dispositionRequest/@notifyTo',
      ],
      [
        extension(
          DISPOSITION_OID,
          writePayloadRoot(
            xmlElement('dispositionRequest', { notifyTo: 'not an address' }),
            DISPOSITION_NAMESPACE,
            1,
          ),
        ),
        'EXTENSION_PAYLOAD_INVALID',
        '/dispositionRequest/@notifyTo',
      ],
      [
        extension(
          DISPOSITION_OID,
          writePayloadRoot(
            xmlElement('notification', { message: MESSAGE_ID, disposition: 'denied' }),
            DISPOSITION_NAMESPACE,
            1,
          ),
        ),
        'EXTENSION_PAYLOAD_INVALID',
        '/notification/@disposition',
      ],
      [
        extension(
          DISPOSITION_OID,
          writePayloadRoot(
            xmlElement('notification', { message: 'other@one.example', disposition: 'displayed' }),
            DISPOSITION_NAMESPACE,
            1,
          ),
        ),
        'DISPOSITION_NOT_REQUESTED',
        '',
      ],
    ];
    for (const [element, code, path] of cases) {
      const result = alice.engine.receive(incoming(verified(BOB), ALICE, [element]));
      assert.equal(result.refused[0]?.error.code, code);
      assert.equal(result.refused[0].error.path, path);
    }
    // A notification about a real request, but from someone who was not asked.
    alice.engine.attach(
      'disposition',
      requestDisposition({ messageId: MESSAGE_ID, recipients: [BOB], notifyTo: ALICE }),
    );
    const notification = writePayloadRoot(
      xmlElement('notification', { message: MESSAGE_ID, disposition: 'displayed' }),
      DISPOSITION_NAMESPACE,
      1,
    );
    const stranger = alice.engine.receive(
      incoming(verified('carol@three.example'), ALICE, [extension(DISPOSITION_OID, notification)]),
    );
    assert.equal(stranger.refused[0]?.error.code, 'DISPOSITION_NOT_REQUESTED');
    assert.deepEqual(alice.engine.pendingItems(), []);
    assert.notDeepEqual(stateSnapshot(alice.store), before, 'only the request Alice made herself');
    assert.deepEqual(alice.store.get('dispositionRequests', MESSAGE_ID)?.notifications, []);
  });
});
