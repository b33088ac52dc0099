import { test } from 'node:test';
import assert from 'node:assert/strict';
import { payloadText, requestView } from '../../../../src/client/consent/consent-views.ts';
import {
  RECIPIENT_EXTENSIONS,
  encodePayload,
  writeVcard,
  type PendingItem,
} from '../../../../src/extensions/index.ts';

test('a payload is shown as the XML it is, with markup in text and attributes escaped', () => {
  const text = payloadText([
    {
      name: 'card',
      attributes: { note: 'a "b" <c>' },
      children: ['x & y', { name: 'e', attributes: {}, children: [] }],
    },
  ]);
  assert.equal(text, '<card note="a &quot;b&quot; &lt;c&gt;">x &amp; y<e></e></card>');
});

test('a pending item tells who asks, whether verified, and exactly what approving sends', () => {
  const item: PendingItem = {
    id: 'p1',
    extension: 'vcard',
    oid: '1.2.3',
    messageId: 'm1@alpha.test',
    sender: { address: 'carol@alpha.test', verified: false },
    recipient: 'bob@alpha.test',
    receivedAt: new Date('2026-01-02T03:04:05Z'),
    content: [{ name: 'request', attributes: {}, children: [] }],
    summary: 'carol asks for your vCard',
    declared: [
      { to: 'carol@alpha.test', content: [{ name: 'card', attributes: {}, children: ['V'] }] },
    ],
    heldBecause: 'UNVERIFIED_SENDER',
  };
  const view = requestView(item);
  assert.equal(view.senderVerified, false);
  assert.equal(view.heldBecause, 'UNVERIFIED_SENDER');
  assert.equal(view.willSend, 'To carol@alpha.test: <card>V</card>');
  assert.equal(view.payload, '<request></request>');
  assert.equal(view.receivedAt, '2026-01-02T03:04:05.000Z');
  assert.equal(requestView({ ...item, declared: [] }).willSend, 'Nothing is sent.');
  assert.equal(view.vcard, undefined, 'no preview of a payload that does not decode');
  assert.equal(view.replies, undefined);
});

test('a vCard request shows the card approving sends, and each reply as it goes out', () => {
  const vcard = RECIPIENT_EXTENSIONS.vcard;
  const own = writeVcard({
    fullName: 'Bob Example',
    emails: ['bob@alpha.test'],
    phones: ['+1 555 0100'],
    organization: 'Example Corp',
  });
  const item: PendingItem = {
    id: 'p2',
    extension: 'vcard',
    oid: vcard.oid,
    messageId: 'm2@alpha.test',
    sender: { address: 'carol@alpha.test', verified: true },
    recipient: 'bob@alpha.test',
    receivedAt: new Date('2026-01-02T03:04:05Z'),
    content: encodePayload(vcard, { kind: 'request' }, 'person').content,
    summary: 'carol asks for your vCard',
    declared: [
      {
        to: 'carol@alpha.test',
        content: encodePayload(vcard, { kind: 'card', vcard: own }).content,
      },
    ],
    heldBecause: 'POLICY_ASK',
  };
  const view = requestView(item);
  assert.deepEqual(view.to, { address: 'bob@alpha.test' });
  assert.deepEqual(view.vcard, {
    source: 'answer',
    fullName: 'Bob Example',
    emails: ['bob@alpha.test'],
    phones: ['tel:+1 555 0100'],
    organization: 'Example Corp',
  });
  const [reply] = view.replies ?? [];
  assert.equal(reply?.to, 'carol@alpha.test');
  assert.equal(reply.subject, 'Contact card: Bob Example');
  assert.match(reply.payload, /^<vcard xmlns="urn:mt2:ext:vcard" version="1" approval="person">/);
  assert.match(reply.text, /with my approval/);

  const received = requestView({
    ...item,
    content: encodePayload(vcard, { kind: 'card', vcard: own }, 'person').content,
    declared: [],
  });
  assert.equal(received.vcard?.source, 'received');
  assert.deepEqual(received.replies, []);
});
