// New messages are indexed for search after they are stored, not in the same
// statements: a LIST page queues its message ids here (one row per written batch, the
// ids as a JSON array) and the store indexes them when it is idle, or before a search
// (queries/search-index.ts). The rows commit with the messages, so a crash leaves them
// queued, never lost.
import type { StoreDb } from '../store-db.ts';

export const version = 60;

export function up(db: StoreDb): void {
  db.exec('CREATE TABLE search_backlog (id INTEGER PRIMARY KEY, message_ids TEXT NOT NULL) STRICT');
}
