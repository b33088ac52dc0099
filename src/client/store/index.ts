// The public face of the client's local store: SQLite (better-sqlite3) with FTS5,
// keyset paging, and a worker thread so no query runs on the caller's thread.
//
// - LocalStore: the synchronous core (use it inside a worker, or in tests);
// - openLocalStoreWorker: the async facade, the same operations as promises;
// - SqliteConsentStore: the consent engine's ConsentStore on the same database file.
// docs/client-store.md describes the schema and the design.
export * from './types.ts';
export * from './limits.ts';
export { LOCAL_STORE_ERROR_CODES, LocalStoreError, type LocalStoreErrorCode } from './errors.ts';
export {
  LOCAL_STORE_OPERATIONS,
  type AsyncLocalStoreApi,
  type LocalStoreApi,
  type LocalStoreOperation,
} from './operations.ts';
export { LocalStore, type LocalStoreOptions } from './local-store.ts';
export {
  openLocalStoreWorker,
  type LocalStoreProxy,
  type LocalStoreWorkerOptions,
} from './proxy.ts';
export { SqliteConsentStore } from './consent-store.ts';
export { snippetOf } from './snippet.ts';
export { displayFields, type EnvelopeView } from './headers-display.ts';
