import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  VCARD_NAMESPACE,
  VCARD_OID,
  readVcard,
  requestVcard,
  shareVcard,
  writePayloadRoot,
  writeVcard,
  xmlElement,
} from '../../../src/extensions/index.ts';
import type { XmlNode } from '../../../src/message/index.ts';
import { parseWithVobject } from '../../helpers/vobject.ts';
import { extension, incoming, stateSnapshot, verified } from './fixtures/mail.ts';
import { PostOffice } from './fixtures/post.ts';

const ALICE = 'alice@one.example';
const BOB = 'bob@two.example';

const ALICE_CARD = writeVcard({
  fullName: 'Alice Ämberg, "AA"; Esq.',
  familyName: 'Ämberg',
  givenName: 'Alice',
  emails: [ALICE, 'alice@home.example'],
  phones: ['+49-30-1234567'],
  organization: 'One Example',
  note: 'line one\nline two',
});

function cardContent(vcard: string): XmlNode[] {
  return writePayloadRoot(xmlElement('vcard', {}, [vcard]), VCARD_NAMESPACE, 1);
}

describe('vCard extension', () => {
  test("a request changes nothing until consent; approval sends exactly the user's card", () => {
    const post = new PostOffice();
    const alice = post.add(ALICE, { vcard: ALICE_CARD });
    const bob = post.add(BOB);
    const before = stateSnapshot(alice.store);
    const [result] = post.deliver(bob.engine.initiate('vcard', requestVcard(ALICE)));
    assert.ok(result);
    assert.deepEqual(result.outgoing, []);
    assert.deepEqual(stateSnapshot(alice.store), before);
    const [item] = result.pending;
    assert.ok(item);
    const [reply] = alice.engine.decide(item.id, { kind: 'approve' });
    assert.ok(reply);
    assert.deepEqual(reply.to, [BOB]);
    assert.deepEqual(item.declared, [{ to: BOB, content: cardContent(ALICE_CARD) }]);
    const [element] = reply.headers.extensions;
    assert.equal(element?.oid, VCARD_OID);
    assert.deepEqual(
      element.content,
      writePayloadRoot(xmlElement('vcard', {}, [ALICE_CARD]), VCARD_NAMESPACE, 1, 'person'),
    );
  });

  test("a received card becomes a contact with the sender's certificate, byte for byte", () => {
    const post = new PostOffice();
    const alice = post.add(ALICE, { vcard: ALICE_CARD });
    const bob = post.add(BOB);
    const [request] = post.deliver(bob.engine.initiate('vcard', requestVcard(ALICE)));
    const [card] = alice.engine.decide(request?.pending[0]?.id ?? '', { kind: 'approve' });
    assert.ok(card);
    const [arrival] = post.deliver(card);
    const item = arrival?.pending[0];
    assert.ok(item, 'a card waits for consent too');
    assert.equal(bob.store.list('contacts').length, 0);
    bob.engine.decide(item.id, { kind: 'approve' });
    const contact = bob.store.get('contacts', ALICE);
    assert.deepEqual(contact, {
      address: ALICE,
      fullName: 'Alice Ämberg, "AA"; Esq.',
      vcard: ALICE_CARD,
      certificateFingerprint: `fp-${ALICE}`,
      verified: true,
      updatedAt: contact?.updatedAt,
    });
  });

  test('an unverified sender stays pending even with "always" set, request or card', () => {
    const post = new PostOffice();
    const alice = post.add(ALICE, { vcard: ALICE_CARD });
    const bob = post.add(BOB);
    alice.engine.setPolicy({ kind: 'extension', extension: 'vcard' }, 'always');
    bob.engine.setPolicy({ kind: 'sender', sender: ALICE }, 'always');
    const [request] = post.deliver(bob.engine.initiate('vcard', requestVcard(ALICE)), false);
    assert.equal(request?.pending[0]?.heldBecause, 'UNVERIFIED_SENDER');
    assert.deepEqual(request.outgoing, []);
    const [card] = post.deliver(alice.engine.initiate('vcard', shareVcard(BOB, ALICE_CARD)), false);
    assert.equal(card?.pending[0]?.heldBecause, 'UNVERIFIED_SENDER');
    assert.deepEqual(bob.store.list('contacts'), []);
    // The same card from the verified sender is taken in by the default.
    const [trusted] = post.deliver(alice.engine.initiate('vcard', shareVcard(BOB, ALICE_CARD)));
    assert.deepEqual(trusted?.pending, []);
    assert.equal(bob.store.list('contacts').length, 1);
  });

  test('malformed payloads and invalid cards are refused; nothing applied', () => {
    const post = new PostOffice();
    const bob = post.add(BOB);
    const before = stateSnapshot(bob.store);
    const v3 = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Old\r\nEND:VCARD\r\n';
    const cases: [XmlNode[], string][] = [
      [
        writePayloadRoot(xmlElement('vcard', {}, [xmlElement('b', {}, ['x'])]), VCARD_NAMESPACE, 1),
        'EXTENSION_PAYLOAD_INVALID',
      ],
      [
        writePayloadRoot(
          xmlElement('vcardRequest', {}, [xmlElement('please')]),
          VCARD_NAMESPACE,
          1,
        ),
        'EXTENSION_PAYLOAD_INVALID',
      ],
      [writePayloadRoot(xmlElement('contact'), VCARD_NAMESPACE, 1), 'EXTENSION_PAYLOAD_INVALID'],
      [cardContent(v3), 'VCARD_INVALID'],
      [cardContent('BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:x@y\r\nEND:VCARD\r\n'), 'VCARD_INVALID'],
      [cardContent(`${ALICE_CARD}${ALICE_CARD}`), 'VCARD_INVALID'],
      [cardContent('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n'), 'VCARD_INVALID'],
      [cardContent('not a vcard'), 'VCARD_INVALID'],
      [cardContent('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'), 'VCARD_INVALID'],
      [
        cardContent(
          `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nNOTE:${'n'.repeat(33 * 1024)}\r\nEND:VCARD\r\n`,
        ),
        'EXTENSION_PAYLOAD_INVALID',
      ],
    ];
    for (const [content, code] of cases) {
      const result = bob.engine.receive(
        incoming(verified(ALICE), BOB, [extension(VCARD_OID, content)]),
      );
      assert.equal(result.refused[0]?.error.code, code);
    }
    assert.deepEqual(bob.engine.pendingItems(), []);
    assert.deepEqual(stateSnapshot(bob.store), before);
    assert.equal(
      bob.engine.auditLog().filter((entry) => entry.action === 'refused').length,
      cases.length,
    );
  });

  test('a request waits while the user has no card; approval works once one is set', () => {
    const post = new PostOffice();
    const alice = post.add(ALICE);
    const bob = post.add(BOB);
    alice.engine.setPolicy({ kind: 'extension', extension: 'vcard' }, 'always');
    const [result] = post.deliver(bob.engine.initiate('vcard', requestVcard(ALICE)));
    const item = result?.pending[0];
    assert.equal(item?.heldBecause, 'BLOCKED');
    assert.throws(() => alice.engine.decide(item.id, { kind: 'approve' }), {
      code: 'VCARD_NOT_CONFIGURED',
    });
    assert.equal(alice.engine.pendingItems().length, 1);
    alice.profile = { ...alice.profile, vcard: ALICE_CARD };
    assert.throws(() => alice.engine.decide(item.id, { kind: 'approve' }), {
      code: 'CONSENT_DECLARATION_CHANGED',
    });
    assert.deepEqual(alice.engine.pendingItems()[0]?.declared, [
      { to: BOB, content: cardContent(ALICE_CARD) },
    ]);
    assert.equal(alice.engine.decide(item.id, { kind: 'approve' }).length, 1);
  });

  test('approval never sends a card other than the one shown: a changed card is shown again', () => {
    const post = new PostOffice();
    const alice = post.add(ALICE, { vcard: ALICE_CARD });
    const bob = post.add(BOB);
    const [result] = post.deliver(bob.engine.initiate('vcard', requestVcard(ALICE)));
    const item = result?.pending[0];
    assert.ok(item);
    const newCard = writeVcard({ fullName: 'Alice A. Ämberg' });
    alice.profile = { ...alice.profile, vcard: newCard };
    assert.throws(() => alice.engine.decide(item.id, { kind: 'approve' }), {
      code: 'CONSENT_DECLARATION_CHANGED',
    });
    assert.equal(alice.engine.auditLog().at(-1)?.code, 'CONSENT_DECLARATION_CHANGED');
    const [reply] = alice.engine.decide(item.id, { kind: 'approve' });
    assert.deepEqual(
      reply?.headers.extensions[0]?.content,
      writePayloadRoot(xmlElement('vcard', {}, [newCard]), VCARD_NAMESPACE, 1, 'person'),
    );
  });

  test('declining with a notice sends vcardDeclined; silently sends nothing', () => {
    const post = new PostOffice();
    const alice = post.add(ALICE, { vcard: ALICE_CARD });
    const bob = post.add(BOB);
    const [first] = post.deliver(bob.engine.initiate('vcard', requestVcard(ALICE)));
    const [second] = post.deliver(bob.engine.initiate('vcard', requestVcard(ALICE)));
    assert.deepEqual(alice.engine.decide(first?.pending[0]?.id ?? '', { kind: 'decline' }), []);
    const [notice] = alice.engine.decide(second?.pending[0]?.id ?? '', {
      kind: 'decline',
      notify: true,
    });
    assert.deepEqual(
      notice?.headers.extensions[0]?.content,
      writePayloadRoot(xmlElement('vcardDeclined'), VCARD_NAMESPACE, 1, 'person'),
    );
    assert.throws(() => shareVcard(BOB, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n'), {
      code: 'VCARD_INVALID',
    });
  });

  test('cards round-trip with vobject, an independent vCard parser', async () => {
    const read = await parseWithVobject(ALICE_CARD);
    const ours = readVcard(ALICE_CARD);
    assert.equal(read.version, '4.0');
    assert.equal(read.fn, ours.fullName);
    assert.deepEqual(read.n, { family: 'Ämberg', given: 'Alice' });
    assert.deepEqual(read.emails, ours.emails);
    assert.deepEqual(read.tels, ours.phones);
    // And back: vobject's own serialization (its escaping, its folding) reads the same here.
    assert.deepEqual(readVcard(read.serialized), ours);
    // A long value folded by vobject unfolds to the same text.
    const long = writeVcard({ fullName: 'Ü'.repeat(120), note: 'x'.repeat(300) });
    const folded = await parseWithVobject(long);
    assert.equal(readVcard(folded.serialized).fullName, 'Ü'.repeat(120));
  });

  test('escaped semicolons in text values are read as semicolons (RFC 6350 section 3.4)', () => {
    const card = (fn: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${fn}\r\nEND:VCARD\r\n`;
    assert.equal(readVcard(card('A\\;B')).fullName, 'A;B');
    assert.equal(readVcard(card('A\\\\;B')).fullName, 'A\\;B');
    assert.equal(readVcard(card('A\\,B\\nC')).fullName, 'A,B\nC');
    assert.equal(readVcard(card('A\\\r\n ;B')).fullName, 'A;B', 'an escape split by folding');
    assert.throws(() => readVcard(card('A\uE000B')), { code: 'VCARD_INVALID' });
  });
});
