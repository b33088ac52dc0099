// A contact learned from a verified message remembers the server that delivered that
// message, so the People view judges the certificate as the message's verification did:
// a server the user trusts as a gateway stands in for a CA the account does not know.
import type { StoreDb } from '../store-db.ts';

export const version = 30;

export function up(db: StoreDb): void {
  db.exec('ALTER TABLE contacts ADD COLUMN delivered_by TEXT');
}
