import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  LocalStoreError,
  MAX_CERTIFICATE_BYTES,
  type LocalStore,
} from '../../../../src/client/store/index.ts';
import { ACCOUNT } from './fixtures/messages.ts';
import { openTempStore, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

function store(): LocalStore {
  const opened = openTempStore(folder);
  opened.ensureAccount(ACCOUNT);
  return opened;
}

describe('outbox', () => {
  test('items are queued, listed oldest first, due by their next attempt, updated and deleted', () => {
    const local = store();
    local.ensureAccount('other');
    const now = new Date('2026-03-01T12:00:00Z');
    const a = local.addOutboxItem({ accountId: ACCOUNT, draftJson: '{"n":1}', nextAttemptAt: now });
    const b = local.addOutboxItem({
      accountId: ACCOUNT,
      draftJson: '{"n":2}',
      nextAttemptAt: new Date(now.getTime() + 60_000),
    });
    const c = local.addOutboxItem({
      accountId: 'other',
      draftJson: '{"n":3}',
      nextAttemptAt: new Date(0),
    });
    assert.equal(a.state, 'queued');
    assert.equal(a.attempts, 0);
    assert.deepEqual(
      local.listOutbox({}).map((item) => item.id),
      [a.id, b.id, c.id],
    );
    assert.deepEqual(
      local.listOutbox({ accountId: ACCOUNT }).map((item) => item.id),
      [a.id, b.id],
    );
    assert.deepEqual(
      local.dueOutboxItems(now, 10).map((item) => item.id),
      [c.id, a.id],
    );
    const sending = local.updateOutboxItem(a.id, { state: 'sending', attempts: 1 });
    assert.equal(sending.state, 'sending');
    assert.deepEqual(
      local.dueOutboxItems(now, 10).map((item) => item.id),
      [c.id],
      'only queued items are due',
    );
    const failed = local.updateOutboxItem(a.id, {
      state: 'failed',
      lastError: 'recipient refused',
      errorReportJson: '{"results":[{"code":"99.0.5.1"}]}',
    });
    assert.equal(failed.lastError, 'recipient refused');
    assert.equal(failed.errorReportJson, '{"results":[{"code":"99.0.5.1"}]}');
    assert.equal(failed.attempts, 1, 'fields not named keep their values');
    const cleared = local.updateOutboxItem(a.id, {
      lastError: null,
      msgId: 'm1@a.example',
      state: 'sent',
    });
    assert.equal('lastError' in cleared, false);
    assert.equal(cleared.msgId, 'm1@a.example');
    assert.deepEqual(
      local.listOutbox({ state: 'sent' }).map((item) => item.id),
      [a.id],
    );
    assert.equal(local.deleteOutboxItem(a.id), true);
    assert.equal(local.deleteOutboxItem(a.id), false);
    assert.equal(local.outboxItem(a.id), undefined);
  });

  test('bad outbox input is refused and changes nothing', () => {
    const local = store();
    const item = local.addOutboxItem({ accountId: ACCOUNT, draftJson: '{}' });
    assert.throws(() => local.addOutboxItem({ accountId: ACCOUNT, draftJson: '{' }), {
      code: 'LOCAL_STORE_INVALID_INPUT',
    });
    assert.throws(() => local.addOutboxItem({ accountId: 'nobody', draftJson: '{}' }), {
      code: 'LOCAL_STORE_NOT_FOUND',
    });
    assert.throws(() => local.updateOutboxItem(item.id, { state: 'lost' as 'sent' }), {
      code: 'LOCAL_STORE_INVALID_INPUT',
    });
    assert.throws(() => local.updateOutboxItem(item.id, { errorReportJson: 'not json' }), {
      code: 'LOCAL_STORE_INVALID_INPUT',
    });
    assert.throws(() => local.updateOutboxItem(9999, { attempts: 1 }), {
      code: 'LOCAL_STORE_NOT_FOUND',
    });
    assert.deepEqual(local.outboxItem(item.id), item);
  });
});

describe('contacts', () => {
  test('learned contacts merge: first seen kept, last seen moved on, certificate fingerprinted', () => {
    const local = store();
    const certificate = new Uint8Array([0x30, 0x82, 0x01, 0x0a, 1, 2, 3]);
    const first = local.putContact({
      address: 'Bob@B.example',
      displayName: 'Bob',
      source: 'vcard',
      seenAt: new Date('2026-01-01T00:00:00Z'),
    });
    assert.equal(first.address, 'bob@b.example');
    assert.equal(first.certificate, undefined);
    const merged = local.putContact({
      address: 'bob@b.example',
      certificate,
      source: 'verifiedMessage',
      seenAt: new Date('2026-02-01T00:00:00Z'),
    });
    assert.equal(merged.displayName, 'Bob', 'a name not given is kept');
    assert.deepEqual(merged.certificate, certificate);
    assert.equal(
      merged.certificateFingerprint,
      createHash('sha256').update(certificate).digest('hex'),
    );
    assert.equal(merged.source, 'verifiedMessage');
    assert.equal(merged.firstSeen.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(merged.lastSeen.toISOString(), '2026-02-01T00:00:00.000Z');
    const older = local.putContact({
      address: 'bob@b.example',
      source: 'import',
      seenAt: new Date('2025-06-01T00:00:00Z'),
    });
    assert.equal(older.firstSeen.toISOString(), '2025-06-01T00:00:00.000Z');
    assert.equal(older.lastSeen.toISOString(), '2026-02-01T00:00:00.000Z');
    assert.deepEqual(local.contact('BOB@b.example'), older);
  });

  test('the delivering server goes with the certificate: kept with a name alone, replaced or cleared with a certificate', () => {
    const local = store();
    const certificate = new Uint8Array([0x30, 0x03, 1, 2, 3]);
    const learnt = local.putContact({
      address: 'alice@alpha.test',
      certificate,
      deliveredBy: 'mt2.beta.test',
      source: 'verifiedMessage',
    });
    assert.equal(learnt.deliveredBy, 'mt2.beta.test');
    const named = local.putContact({
      address: 'alice@alpha.test',
      displayName: 'Alice',
      source: 'vcard',
    });
    assert.equal(named.deliveredBy, 'mt2.beta.test', 'no certificate given: kept');
    const imported = local.putContact({
      address: 'alice@alpha.test',
      certificate,
      source: 'import',
    });
    assert.equal(imported.deliveredBy, undefined, 'a certificate without one clears it');
    assert.throws(
      () =>
        local.putContact({
          address: 'alice@alpha.test',
          deliveredBy: 42 as unknown as string,
          source: 'import',
        }),
      LocalStoreError,
    );
  });

  test('find by address or name prefix; LIKE wildcards in the prefix are literal', () => {
    const local = store();
    local.putContact({
      address: 'carol@c.example',
      displayName: 'Carol Finance',
      source: 'import',
    });
    local.putContact({ address: 'dave@d.example', displayName: 'Dave', source: 'import' });
    local.putContact({ address: 'ca_t@c.example', source: 'import' });
    const find = (prefix: string) =>
      local.findContacts(prefix, 10).map((contact) => contact.address);
    assert.deepEqual(find('ca'), ['ca_t@c.example', 'carol@c.example']);
    assert.deepEqual(find('CAROL'), ['carol@c.example']);
    assert.deepEqual(find('dav'), ['dave@d.example']);
    assert.deepEqual(find('finance'), []);
    assert.deepEqual(find('%'), []);
    assert.deepEqual(find('ca_'), ['ca_t@c.example']);
    assert.deepEqual(local.findContacts('', 2).length, 2);
  });

  test('a certificate over the limit or an unknown source is refused', () => {
    const local = store();
    assert.throws(
      () =>
        local.putContact({
          address: 'x@x.example',
          certificate: new Uint8Array(MAX_CERTIFICATE_BYTES + 1),
          source: 'import',
        }),
      { code: 'LOCAL_STORE_INVALID_INPUT' },
    );
    assert.throws(
      () => local.putContact({ address: 'x@x.example', source: 'rumour' as 'import' }),
      {
        code: 'LOCAL_STORE_INVALID_INPUT',
      },
    );
    assert.equal(local.contact('x@x.example'), undefined);
  });
});
