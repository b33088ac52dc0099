// Verification works from the store: after each sync the engine asks for the messages
// with no verdict yet (those synced with their headers only wait for their envelope).
// Without an index that question reads every message's parts; this partial index holds
// only the waiting ones, so it stays small however big the mailbox grows.
import type { StoreDb } from '../store-db.ts';

export const version = 40;

export function up(db: StoreDb): void {
  db.exec(
    'CREATE INDEX message_parts_unverified ON message_parts (message_id) WHERE verification IS NULL',
  );
}
