import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SqliteConsentStore } from '../../../../src/client/store/index.ts';
import { describeConsentStore } from '../../extensions/fixtures/store-contract.ts';
import { openTempStore, storePath, tempFolder } from './fixtures/temp-store.ts';

describeConsentStore('SqliteConsentStore on a LocalStore connection', () => {
  return new SqliteConsentStore(openTempStore());
});

const folder = tempFolder();
describeConsentStore('SqliteConsentStore with its own connection', () => {
  const store = SqliteConsentStore.open({ path: storePath(folder) });
  after(() => {
    store.close();
  });
  return store;
});

test('a consent batch that fails inside its SQLite transaction leaves nothing behind', () => {
  const store = new SqliteConsentStore(openTempStore());
  store.commit({ audit: [{ at: new Date(0), action: 'received', detail: 'kept' }] });
  assert.throws(() => {
    store.commit({
      deletePending: [],
      policies: [
        {
          key: 'extension:chess',
          rule: { scope: { kind: 'extension', extension: 'chess' }, policy: 'never' },
        },
      ],
      // An invalid Date cannot be written: the failure comes after the policy was written.
      audit: [{ at: new Date(Number.NaN), action: 'received', detail: 'lost' }],
    });
  });
  assert.equal(store.policyRule('extension:chess'), undefined);
  assert.deepEqual(
    store.auditEntries().map((entry) => entry.detail),
    ['kept'],
  );
  store.commit({ audit: [{ at: new Date(0), action: 'sent', detail: 'next' }] });
  assert.deepEqual(
    store.auditEntries().map((entry) => entry.seq),
    [1, 2],
    'numbering goes on without a gap',
  );
});
