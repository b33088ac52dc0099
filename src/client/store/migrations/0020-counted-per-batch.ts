// Counting new messages moves from a trigger to the code that inserts them. The trigger
// ran an upsert on folder_counts for every inserted row (a large share of a 1,000-message
// LIST page); putMessageBatch now adds each page's rows to folder_counts once per
// (account, folder). Deletes and folder or unread changes stay counted by triggers.
import type { StoreDb } from '../store-db.ts';

export const version = 20;

export function up(db: StoreDb): void {
  db.exec('DROP TRIGGER messages_counted');
}
