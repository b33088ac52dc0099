import { test } from 'node:test';
import assert from 'node:assert/strict';
import { payloadText, requestView } from '../../../../src/client/consent/consent-views.ts';
import type { PendingItem } from '../../../../src/extensions/index.ts';

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
});
