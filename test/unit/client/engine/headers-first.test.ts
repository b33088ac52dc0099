// The sync stores a new message from its headers alone; the envelope comes with the
// verification. What the list shows in between (plain headers read by the store as it
// writes them, encrypted ones by the engine with the account's key), and after.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { composeMessage } from '../../../../src/client/send/compose.ts';
import {
  MAX_DISPLAY_ADDRESSES,
  type DisplayFields,
  type MessageInput,
} from '../../../../src/client/store/index.ts';
import { openTempStore } from '../store/fixtures/temp-store.ts';
import {
  awaitsEnvelope,
  headersFirstMessage,
  incomingMessage,
  type PulledMessage,
} from '../../../../src/client/sync/incoming-message.ts';
import { encodeEnvelope, encodeHeaders, previewHeaders } from '../../../../src/message/index.ts';
import { draft, enginePki } from './fixtures.ts';

async function pulledOf(encrypt: boolean) {
  const pki = await enginePki();
  const composed = await composeMessage(
    { ...draft, encrypt },
    { credentials: pki.alice, recipientCertificate: () => pki.bob.certificate },
  );
  const pulled: PulledMessage = {
    accountId: 'b1',
    msgId: composed.envelope.messageId,
    server: { mailbox: 'inbox', uid: 1, modseq: 1 },
    sizes: { envelope: 1, headers: composed.headers.byteLength, body: 1 },
    serverFlags: [],
    envelope: undefined,
    headers: composed.headers,
  };
  return { pki, composed, pulled };
}

const store = openTempStore();
store.ensureAccount('b1');

/** What the list shows of `input` once the store has written it. */
function shown(input: MessageInput): DisplayFields {
  store.putMessages([input]);
  const stored = store.message(input.accountId, input.msgId);
  assert.ok(stored, 'stored');
  return stored.display;
}

describe('headersFirstMessage', () => {
  for (const encrypt of [false, true]) {
    test(`${encrypt ? 'encrypted' : 'plain'} headers are shown before the envelope, which then completes them`, async () => {
      const { pki, composed, pulled } = await pulledOf(encrypt);
      const early = headersFirstMessage(pulled, [pki.bob]);
      assert.equal(
        'fromHeaders' in early.display,
        !encrypt,
        'plain headers are left to the store, encrypted ones read here',
      );
      const display = shown(early);
      assert.equal(display.subject, 'Lunch?');
      assert.equal(display.fromAddress, 'alice@alpha.test');
      assert.deepEqual(display.to, ['bob@alpha.test']);
      assert.equal(display.encrypted, encrypt, 'the headers show whether they are encrypted');
      assert.equal(display.signed, false, 'not known before the envelope');
      assert.equal(early.envelopeXml.byteLength, 0);
      assert.ok(awaitsEnvelope(early));
      const whole = incomingMessage({ ...pulled, envelope: encodeEnvelope(composed.envelope) }, [
        pki.bob,
      ]);
      assert.equal(whole.input.display.signed, true);
      assert.equal(whole.input.display.encrypted, encrypt);
      assert.equal(whole.input.display.subject, 'Lunch?');
      assert.equal(awaitsEnvelope(whole.input), false);
    });
  }

  test('plain headers (read in one pass) and others (decoded in full) show what the whole message shows', async () => {
    const { pki, composed, pulled } = await pulledOf(false);
    const from = {
      kind: 'from',
      mailboxes: [{ name: 'Alice', address: 'alice@alpha.test' }],
    } as const;
    const date = { kind: 'date', date: new Date('2026-12-01T08:00:00Z') } as const;
    const plain = encodeHeaders({
      fields: [
        from,
        { kind: 'to', addresses: [{ address: 'bob@alpha.test' }] },
        { kind: 'subject', text: 'Plain' },
        date,
      ],
      extensions: [],
    });
    const other = encodeHeaders({
      fields: [
        from,
        { kind: 'cc', addresses: [{ group: 'Team', members: [{ address: 'carol@beta.test' }] }] },
        { kind: 'subject', text: 'Q&A <today>' },
        date,
      ],
      extensions: [],
    });
    assert.ok(previewHeaders(plain) !== undefined && previewHeaders(other) === undefined);
    for (const headers of [plain, other]) {
      const early = shown(headersFirstMessage({ ...pulled, headers }, [pki.bob]));
      const whole = incomingMessage(
        { ...pulled, headers, envelope: encodeEnvelope(composed.envelope) },
        [pki.bob],
      ).input.display;
      for (const key of ['fromName', 'fromAddress', 'to', 'cc', 'subject', 'date'] as const) {
        assert.deepEqual(early[key], whole[key], key);
      }
    }
  });

  test('recipients are shown groups opened, the first MAX_DISPLAY_ADDRESSES of them', async () => {
    const { pki, pulled } = await pulledOf(false);
    const members = (group: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({ address: `m${group}.${index}@beta.test` }));
    const headers = encodeHeaders({
      fields: [
        { kind: 'from', mailboxes: [{ address: 'alice@alpha.test' }] },
        {
          kind: 'to',
          addresses: [
            { address: 'first@beta.test' },
            { group: 'Team', members: members(1, 2) },
            { address: 'middle@beta.test' },
            { group: 'Everyone', members: members(2, MAX_DISPLAY_ADDRESSES) },
            { address: 'last@beta.test' },
          ],
        },
        { kind: 'cc', addresses: [{ group: 'Nobody', members: [] }, { address: 'c@beta.test' }] },
      ],
      extensions: [],
    });
    const display = shown(headersFirstMessage({ ...pulled, headers }, [pki.bob]));
    assert.deepEqual(display.to, [
      'first@beta.test',
      'm1.0@beta.test',
      'm1.1@beta.test',
      'middle@beta.test',
      ...members(2, MAX_DISPLAY_ADDRESSES - 4).map((member) => member.address),
    ]);
    assert.deepEqual(display.cc, ['c@beta.test']);
  });

  test('headers that cannot be read (not XML, not for this key) lose nothing: the message is stored to be verified', async () => {
    const { pki, pulled } = await pulledOf(true);
    for (const headers of [
      new TextEncoder().encode('<headers'),
      pulled.headers ?? new Uint8Array(),
    ]) {
      const arrival = new Date('2026-12-06T03:00:00Z');
      const early = headersFirstMessage({ ...pulled, headers }, [pki.host], arrival);
      const display = shown(early);
      assert.equal(display.subject, '');
      assert.equal(display.fromAddress, '');
      assert.equal(display.date.getTime(), arrival.getTime(), 'dated by its arrival');
      assert.deepEqual(early.headersXml, headers);
      assert.ok(awaitsEnvelope(early));
    }
  });

  test('a message without headers is synced by its envelope and stored whole', async () => {
    const { pki, composed, pulled } = await pulledOf(false);
    const envelope = encodeEnvelope(composed.envelope);
    const input = headersFirstMessage({ ...pulled, headers: undefined, envelope }, [pki.bob]);
    assert.deepEqual(input.envelopeXml, envelope);
    const display = shown(input);
    assert.equal(display.fromAddress, 'alice@alpha.test');
    assert.equal(display.signed, true);
  });
});
