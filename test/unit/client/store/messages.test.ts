import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LocalStoreError,
  MAX_ID_CHARS,
  MAX_PART_XML_BYTES,
  MAX_SNIPPET_CHARS,
  type LocalStore,
} from '../../../../src/client/store/index.ts';
import { ACCOUNT, message } from './fixtures/messages.ts';
import { openTempStore } from './fixtures/temp-store.ts';

function storeWithAccount(): LocalStore {
  const store = openTempStore();
  store.ensureAccount(ACCOUNT);
  return store;
}

function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code);
    return true;
  });
}

describe('messages', () => {
  test('a stored message reads back with its raw parts byte for byte', () => {
    const store = storeWithAccount();
    const input = message('m1@b.example', { serverFlags: ['seen', 'answered', 'seen'] });
    assert.deepEqual(store.putMessages([input]), { inserted: 1, updated: 0, removed: 0 });
    const stored = store.message(ACCOUNT, 'm1@b.example');
    assert.ok(stored);
    assert.deepEqual(stored.envelopeXml, input.envelopeXml);
    assert.deepEqual(stored.headersXml, input.headersXml);
    assert.equal(stored.verificationJson, '{"signature":"VALID"}');
    assert.deepEqual(stored.serverFlags, ['answered', 'seen']);
    assert.deepEqual(stored.flags, ['answered', 'seen']);
    assert.equal(stored.unread, false);
    assert.equal(stored.flagged, false);
    assert.deepEqual(stored.display, input.display);
    assert.deepEqual(stored.server, input.server);
    assert.deepEqual(stored.sizes, input.sizes);
    assert.equal(stored.hasBody, false);
  });

  test('putting the same msg-id again replaces it; another account keeps its own copy', () => {
    const store = storeWithAccount();
    store.ensureAccount('other@a.example');
    store.putMessages([message('m1'), message('m1', { accountId: 'other@a.example' })]);
    const result = store.putMessages([message('m1', { subject: 'changed' })]);
    assert.deepEqual(result, { inserted: 0, updated: 1, removed: 0 });
    assert.equal(store.message(ACCOUNT, 'm1')?.display.subject, 'changed');
    assert.equal(store.message('other@a.example', 'm1')?.display.subject, 'Subject of m1');
  });

  test('a message without headers or verification keeps them absent', () => {
    const store = storeWithAccount();
    const { headersXml: _h, verificationJson: _v, server: _s, ...bare } = message('m1');
    store.putMessages([bare]);
    const stored = store.message(ACCOUNT, 'm1');
    assert.ok(stored);
    assert.equal('headersXml' in stored, false);
    assert.equal('verificationJson' in stored, false);
    assert.equal('server' in stored, false);
  });

  test('missingMessageIds names those not stored, in order', () => {
    const store = storeWithAccount();
    store.putMessages([message('b'), message('d')]);
    assert.deepEqual(store.missingMessageIds(ACCOUNT, ['a', 'b', 'c', 'd', 'e']), ['a', 'c', 'e']);
  });

  test('bodies: stored whole as bytes, with their text; absent until fetched', () => {
    const store = storeWithAccount();
    store.putMessages([message('m1')]);
    assert.equal(store.messageBody(ACCOUNT, 'm1'), undefined);
    const body = new Uint8Array(3 * 1024 * 1024).map((_, index) => index % 251);
    store.putBody(ACCOUNT, 'm1', { body, text: 'the text' });
    const stored = store.messageBody(ACCOUNT, 'm1');
    assert.ok(stored);
    assert.equal(stored.text, 'the text');
    assert.equal(Buffer.compare(stored.body, body), 0);
    assert.equal(store.message(ACCOUNT, 'm1')?.hasBody, true);
    store.putBody(ACCOUNT, 'm1', { body: new Uint8Array([1]), text: 'again' });
    assert.deepEqual(store.messageBody(ACCOUNT, 'm1'), {
      body: new Uint8Array([1]),
      text: 'again',
    });
  });

  test('a message synced without a snippet gets one from its text when the body is stored', () => {
    const store = storeWithAccount();
    store.putMessages([
      message('synced', { display: { snippet: '' } }),
      message('composed', { display: { snippet: 'As written' } }),
    ]);
    const text = `  Dear Bob,\n\n\tthe invoice\r\nis attached. ${'x'.repeat(MAX_SNIPPET_CHARS)}`;
    store.putBody(ACCOUNT, 'synced', { body: new Uint8Array([1]), text });
    store.putBody(ACCOUNT, 'composed', { body: new Uint8Array([1]), text: 'Other words' });
    const snippets = new Map(
      store
        .listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 10 })
        .items.map((item) => [item.msgId, item.display.snippet]),
    );
    const filled = snippets.get('synced') ?? '';
    assert.ok(filled.startsWith('Dear Bob, the invoice is attached. xxx'), filled);
    assert.equal(filled.length, MAX_SNIPPET_CHARS);
    assert.equal(snippets.get('composed'), 'As written');
  });

  test('verification results are replaced; broken JSON is refused', () => {
    const store = storeWithAccount();
    store.putMessages([message('m1')]);
    store.setVerification(ACCOUNT, 'm1', '{"signature":"INVALID","reasons":["x"]}');
    assert.equal(
      store.message(ACCOUNT, 'm1')?.verificationJson,
      '{"signature":"INVALID","reasons":["x"]}',
    );
    assertCode(() => {
      store.setVerification(ACCOUNT, 'm1', '{"signature":');
    }, 'LOCAL_STORE_INVALID_INPUT');
    assert.equal(
      store.message(ACCOUNT, 'm1')?.verificationJson,
      '{"signature":"INVALID","reasons":["x"]}',
    );
  });

  test('move and remove count what they changed', () => {
    const store = storeWithAccount();
    store.putMessages([message('a'), message('b')]);
    assert.equal(store.moveMessages(ACCOUNT, ['a', 'missing'], 'trash'), 1);
    assert.equal(store.moveMessages(ACCOUNT, ['a'], 'trash'), 0, 'already there');
    assert.equal(store.message(ACCOUNT, 'a')?.folder, 'trash');
    store.putBody(ACCOUNT, 'b', { body: new Uint8Array([1, 2]), text: 'body' });
    assert.equal(store.removeMessages(ACCOUNT, ['b', 'missing']), 1);
    assert.equal(store.message(ACCOUNT, 'b'), undefined);
    assert.equal(store.messageBody(ACCOUNT, 'b'), undefined);
    assertCode(
      () => store.moveMessages(ACCOUNT, ['a'], 'spam' as 'trash'),
      'LOCAL_STORE_INVALID_INPUT',
    );
  });

  test('a changed date moves the message to its new place and keeps its body', () => {
    const store = storeWithAccount();
    store.putMessages([
      message('old', { date: new Date('2020-01-01T00:00:00Z') }),
      message('new', { date: new Date('2024-01-01T00:00:00Z') }),
    ]);
    store.putBody(ACCOUNT, 'old', { body: new Uint8Array([7]), text: 'zebra' });
    store.putMessages([message('old', { date: new Date('2025-01-01T00:00:00Z') })]);
    const page = store.listMessages({ accountId: ACCOUNT, folder: 'inbox' }, { limit: 10 });
    assert.deepEqual(
      page.items.map((item) => item.msgId),
      ['old', 'new'],
    );
    assert.deepEqual(store.messageBody(ACCOUNT, 'old')?.body, new Uint8Array([7]));
    const found = store.searchMessages({ accountId: ACCOUNT, text: 'zebra' }, { limit: 10 });
    assert.deepEqual(
      found.items.map((item) => item.msgId),
      ['old'],
    );
  });

  test('unknown accounts and messages are LOCAL_STORE_NOT_FOUND', () => {
    const store = storeWithAccount();
    assertCode(
      () => store.putMessages([message('m1', { accountId: 'nobody' })]),
      'LOCAL_STORE_NOT_FOUND',
    );
    assertCode(() => {
      store.putBody(ACCOUNT, 'missing', { body: new Uint8Array(), text: '' });
    }, 'LOCAL_STORE_NOT_FOUND');
    assertCode(() => store.setFlags(ACCOUNT, 'missing', ['seen']), 'LOCAL_STORE_NOT_FOUND');
    assert.equal(store.message(ACCOUNT, 'missing'), undefined);
  });

  test('deleting an account removes its messages, bodies, search rows and queues', () => {
    const store = storeWithAccount();
    store.putMessages([message('m1', { subject: 'walrus' })]);
    store.putBody(ACCOUNT, 'm1', { body: new Uint8Array([1]), text: 'text' });
    store.setFlags(ACCOUNT, 'm1', ['seen']);
    store.addOutboxItem({ accountId: ACCOUNT, draftJson: '{}' });
    store.deleteAccount(ACCOUNT);
    store.ensureAccount(ACCOUNT);
    assert.equal(store.message(ACCOUNT, 'm1'), undefined);
    assert.deepEqual(store.pendingFlagChanges(ACCOUNT, 10), []);
    assert.deepEqual(store.listOutbox({}), []);
    assert.ok(
      store.folderCounts(ACCOUNT).every((count) => count.total === 0 && count.unread === 0),
    );
    assert.deepEqual(
      store.searchMessages({ accountId: ACCOUNT, text: 'walrus' }, { limit: 5 }).items,
      [],
    );
  });
});

describe('messages: bad input is refused whole', () => {
  test('one bad message in a batch: nothing of the batch is written', () => {
    const store = storeWithAccount();
    const bad = { ...message('bad'), folder: 'nowhere' } as unknown as ReturnType<typeof message>;
    assertCode(() => store.putMessages([message('good'), bad]), 'LOCAL_STORE_INVALID_INPUT');
    assert.equal(store.message(ACCOUNT, 'good'), undefined);
  });

  const cases: [string, (input: ReturnType<typeof message>) => unknown][] = [
    ['an empty msg-id', (input) => ({ ...input, msgId: '' })],
    ['a msg-id over MAX_ID_CHARS', (input) => ({ ...input, msgId: 'x'.repeat(MAX_ID_CHARS + 1) })],
    [
      'an invalid date',
      (input) => ({ ...input, display: { ...input.display, date: new Date(Number.NaN) } }),
    ],
    ['a negative size', (input) => ({ ...input, sizes: { ...input.sizes, body: -1 } })],
    [
      'a fractional uid',
      (input) => ({ ...input, server: { mailbox: 'INBOX', uid: 1.5, modseq: 1 } }),
    ],
    ['envelope XML that is a string', (input) => ({ ...input, envelopeXml: 'x' })],
    [
      'envelope XML over MAX_PART_XML_BYTES',
      (input) => ({ ...input, envelopeXml: new Uint8Array(MAX_PART_XML_BYTES + 1) }),
    ],
    [
      'a snippet over MAX_SNIPPET_CHARS',
      (input) => ({
        ...input,
        display: { ...input.display, snippet: 'x'.repeat(MAX_SNIPPET_CHARS + 1) },
      }),
    ],
    ['a flag that is not a string', (input) => ({ ...input, serverFlags: [1] })],
    ['verification that is not JSON', (input) => ({ ...input, verificationJson: 'nope' })],
    ['a missing display', (input) => ({ ...input, display: undefined })],
  ];
  for (const [name, change] of cases) {
    test(`${name} is LOCAL_STORE_INVALID_INPUT`, () => {
      const store = storeWithAccount();
      const input = change(message('m1')) as ReturnType<typeof message>;
      assertCode(() => store.putMessages([input]), 'LOCAL_STORE_INVALID_INPUT');
      assert.equal(store.message(ACCOUNT, 'm1'), undefined);
    });
  }

  test('limits: exactly at the limit is accepted', () => {
    const store = storeWithAccount();
    const input = message('x'.repeat(MAX_ID_CHARS), {
      display: { snippet: 's'.repeat(MAX_SNIPPET_CHARS) },
    });
    store.putMessages([{ ...input, envelopeXml: new Uint8Array(MAX_PART_XML_BYTES) }]);
    assert.equal(
      store.message(ACCOUNT, 'x'.repeat(MAX_ID_CHARS))?.envelopeXml.length,
      MAX_PART_XML_BYTES,
    );
  });
});

describe('verification batches', () => {
  test('verdicts and learnt contacts are written together; a removed message is skipped', () => {
    const store = storeWithAccount();
    store.putMessages([message('v1'), message('v2')]);
    const certificate = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const written = store.storeVerifications({
      accountId: ACCOUNT,
      verifications: [
        { msgId: 'v1', verificationJson: '{"n":1}' },
        { msgId: 'gone', verificationJson: '{"n":0}' },
        { msgId: 'v2', verificationJson: '{"n":2}' },
      ],
      contacts: [{ address: 'Alice@B.example', certificate, source: 'verifiedMessage' }],
    });
    assert.equal(written, 2);
    assert.equal(store.message(ACCOUNT, 'v1')?.verificationJson, '{"n":1}');
    assert.equal(store.message(ACCOUNT, 'v2')?.verificationJson, '{"n":2}');
    assert.equal(store.message(ACCOUNT, 'gone'), undefined);
    const contact = store.contact('alice@b.example');
    assert.ok(contact !== undefined);
    assert.deepEqual(contact.certificate, certificate);
    assert.equal(contact.source, 'verifiedMessage');
  });

  test('one bad item refuses the whole batch and changes nothing', () => {
    const store = storeWithAccount();
    store.putMessages([message('w1')]);
    const before = store.message(ACCOUNT, 'w1')?.verificationJson;
    assertCode(() => {
      store.storeVerifications({
        accountId: ACCOUNT,
        verifications: [
          { msgId: 'w1', verificationJson: '{"n":1}' },
          { msgId: 'w1', verificationJson: '{"n":' },
        ],
      });
    }, 'LOCAL_STORE_INVALID_INPUT');
    assertCode(() => {
      store.storeVerifications({
        accountId: ACCOUNT,
        verifications: [{ msgId: 'w1', verificationJson: '{"n":1}' }],
        contacts: [{ address: 'carol@b.example', source: 'gossip' as 'import' }],
      });
    }, 'LOCAL_STORE_INVALID_INPUT');
    assertCode(() => {
      store.storeVerifications({
        accountId: ACCOUNT,
        verifications: 'w1' as unknown as [],
      });
    }, 'LOCAL_STORE_INVALID_INPUT');
    assert.equal(store.message(ACCOUNT, 'w1')?.verificationJson, before);
    assert.equal(store.contact('carol@b.example'), undefined);
  });

  test("a bad field of an arriving envelope's display is named from the batch down", () => {
    const store = storeWithAccount();
    store.putMessages([message('w1')]);
    const display = { ...message('w1').display, to: ['bob@b.example', 5] };
    assert.throws(
      () =>
        store.storeVerifications({
          accountId: ACCOUNT,
          verifications: [
            {
              msgId: 'w1',
              verificationJson: '{"n":1}',
              envelope: { envelopeXml: new Uint8Array([1]), display } as never,
            },
          ],
        }),
      (error: unknown) =>
        error instanceof LocalStoreError &&
        error.message.startsWith('batch.verifications[0].envelope.display.to[1] '),
    );
  });

  test('an envelope arriving with its verification fills in what the headers did not say, in place', () => {
    const store = storeWithAccount();
    const { verificationJson: _none, ...synced } = message('h1', {
      display: { fromAddress: '', signed: false, encrypted: false },
    });
    const headersOnly = { ...synced, envelopeXml: new Uint8Array(0) };
    store.putMessages([headersOnly]);
    store.moveMessages(ACCOUNT, ['h1'], 'trash');
    const before = store.message(ACCOUNT, 'h1');
    assert.deepEqual(
      store.unverifiedMessages(ACCOUNT, 10).map((stored) => stored.msgId),
      ['h1'],
    );
    const envelopeXml = new TextEncoder().encode('<envelope/>');
    store.storeVerifications({
      accountId: ACCOUNT,
      verifications: [
        {
          msgId: 'h1',
          verificationJson: '{"n":1}',
          envelope: {
            envelopeXml,
            display: {
              ...headersOnly.display,
              fromAddress: 'narwhal@b.example',
              signed: true,
              encrypted: true,
            },
          },
        },
      ],
    });
    const after = store.message(ACCOUNT, 'h1');
    assert.ok(before !== undefined && after !== undefined);
    assert.deepEqual(after.envelopeXml, envelopeXml);
    assert.equal(after.verificationJson, '{"n":1}');
    assert.equal(after.display.fromAddress, 'narwhal@b.example');
    assert.equal(after.display.signed, true);
    assert.equal(after.display.encrypted, true);
    assert.equal(after.folder, 'trash', 'the message stays where the user put it');
    assert.deepEqual(after.display.date, before.display.date);
    assert.deepEqual(store.unverifiedMessages(ACCOUNT, 10), []);
    const found = store.searchMessages({ accountId: ACCOUNT, text: 'narwhal' }, { limit: 5 });
    assert.deepEqual(
      found.items.map((item) => item.msgId),
      ['h1'],
      'the new sender is searchable',
    );
    assertCode(() => {
      store.storeVerifications({
        accountId: ACCOUNT,
        verifications: [
          {
            msgId: 'h1',
            verificationJson: '{}',
            envelope: { envelopeXml: 'x' as unknown as Uint8Array, display: headersOnly.display },
          },
        ],
      });
    }, 'LOCAL_STORE_INVALID_INPUT');
  });

  test('unverified server messages are found in date order and counted; local copies are not', () => {
    const store = storeWithAccount();
    const { verificationJson: _verified, ...unverified } = message('u1');
    const { server: _server, ...localOnly } = { ...unverified, msgId: 'local' };
    store.putMessages([unverified, { ...unverified, msgId: 'u2' }, message('done'), localOnly]);
    assert.deepEqual(
      store.unverifiedMessages(ACCOUNT, 10).map((stored) => stored.msgId),
      ['u1', 'u2'],
    );
    assert.deepEqual(
      store.unverifiedMessages(ACCOUNT, 1).map((stored) => stored.msgId),
      ['u1'],
    );
    assert.equal(store.unverifiedCount(ACCOUNT), 2);
    store.storeVerifications({
      accountId: ACCOUNT,
      verifications: [{ msgId: 'u1', verificationJson: '{}' }],
    });
    assert.deepEqual(
      store.unverifiedMessages(ACCOUNT, 10).map((stored) => stored.msgId),
      ['u2'],
    );
    assert.equal(store.unverifiedCount(ACCOUNT), 1);
    assert.equal(store.unverifiedCount('nobody@b.example'), 0);
    assertCode(() => store.unverifiedMessages(ACCOUNT, 0), 'LOCAL_STORE_INVALID_INPUT');
    assertCode(() => store.unverifiedCount(''), 'LOCAL_STORE_INVALID_INPUT');
  });

  test('a bad item of a list is named by its place and field', () => {
    const store = storeWithAccount();
    store.putMessages([message('m1')]);
    const page = { accountId: ACCOUNT, mailbox: 'INBOX', cursor: 2 };
    const refused = (fn: () => unknown, field: RegExp) => {
      assert.throws(fn, (error: unknown) => {
        assert.equal((error as { code?: unknown }).code, 'LOCAL_STORE_INVALID_INPUT');
        assert.match((error as Error).message, field);
        return true;
      });
    };
    refused(() => store.missingMessageIds(ACCOUNT, ['m1', '']), /^msgIds\[1\] /);
    refused(
      () => store.removeMessages(ACCOUNT, ['m1', 'm2', 7 as unknown as string]),
      /^msgIds\[2\] /,
    );
    refused(
      () => store.acknowledgeFlagChanges(ACCOUNT, [{ msgId: 'm1', revision: -1 }]),
      /^acks\[0\]\.revision /,
    );
    refused(
      () =>
        store.storeVerifications({
          accountId: ACCOUNT,
          verifications: [
            { msgId: 'm1', verificationJson: '{}' },
            { msgId: 'm1', verificationJson: '{' },
          ],
        }),
      /^batch\.verifications\[1\]\.verificationJson /,
    );
    refused(
      () =>
        store.applyListPage({
          ...page,
          updates: [
            { msgId: 'm1', server: { mailbox: 'INBOX', uid: 1.5, modseq: 1 }, serverFlags: [] },
          ],
        }),
      /^page\.updates\[0\]\.server\.uid /,
    );
    refused(() => store.applyListPage({ ...page, removed: ['m1', ''] }), /^page\.removed\[1\] /);
    refused(
      () => store.putMessages([message('m2', { serverFlags: ['seen', ''] })]),
      /^messages\[0\]\.serverFlags\[1\] /,
    );
    assert.ok(store.message(ACCOUNT, 'm1'), 'nothing refused was applied');
  });
});
