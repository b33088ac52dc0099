import { after } from 'node:test';
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
