// Accounts and their LIST cursors.
import { LocalStoreError } from '../errors.ts';
import type { StoreDb } from '../store-db.ts';

export function ensureAccount(db: StoreDb, accountId: string, nowMs: number): void {
  db.statement(
    'INSERT INTO accounts (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
  ).run(accountId, nowMs);
}

export function requireAccount(db: StoreDb, accountId: string): void {
  if (db.statement('SELECT 1 FROM accounts WHERE id = ?').pluck().get(accountId) === undefined) {
    throw new LocalStoreError('LOCAL_STORE_NOT_FOUND', `no account ${accountId}`);
  }
}

export function deleteAccount(db: StoreDb, accountId: string): void {
  db.statement(
    'DELETE FROM message_search WHERE rowid IN (SELECT id FROM messages WHERE account_id = ?)',
  ).run(accountId);
  db.statement('DELETE FROM accounts WHERE id = ?').run(accountId);
}

export function readListCursor(db: StoreDb, accountId: string, mailbox: string): number {
  const cursor = db
    .statement('SELECT cursor FROM list_cursors WHERE account_id = ? AND mailbox = ?')
    .pluck()
    .get(accountId, mailbox) as number | undefined;
  return cursor ?? 0;
}

export function writeListCursor(
  db: StoreDb,
  accountId: string,
  mailbox: string,
  cursor: number,
): void {
  db.statement(
    `INSERT INTO list_cursors (account_id, mailbox, cursor) VALUES (?, ?, ?)
     ON CONFLICT (account_id, mailbox) DO UPDATE SET cursor = excluded.cursor`,
  ).run(accountId, mailbox, cursor);
}
