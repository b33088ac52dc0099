// The outbox: drafts waiting to be sent, with their state and retry schedule.
import { LocalStoreError } from '../errors.ts';
import type { StoreDb } from '../store-db.ts';
import type { OutboxFilter, OutboxItem, OutboxState } from '../types.ts';

interface OutboxRow {
  readonly id: number;
  readonly account_id: string;
  readonly draft: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly next_attempt_at: number;
  readonly last_error: string | null;
  readonly error_report: string | null;
  readonly msg_id: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    accountId: row.account_id,
    draftJson: row.draft,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.error_report === null ? {} : { errorReportJson: row.error_report }),
    ...(row.msg_id === null ? {} : { msgId: row.msg_id }),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function insertOutboxItem(
  db: StoreDb,
  accountId: string,
  draftJson: string,
  nextAttemptAtMs: number,
  nowMs: number,
): OutboxItem {
  const result = db
    .statement(
      `INSERT INTO outbox (account_id, draft, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, 'queued', 0, ?, ?, ?)`,
    )
    .run(accountId, draftJson, nextAttemptAtMs, nowMs, nowMs);
  return requireOutboxItem(db, Number(result.lastInsertRowid));
}

export function readOutboxItem(db: StoreDb, id: number): OutboxItem | undefined {
  const row = db.statement('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  return row === undefined ? undefined : toItem(row);
}

export function requireOutboxItem(db: StoreDb, id: number): OutboxItem {
  const item = readOutboxItem(db, id);
  if (item === undefined)
    throw new LocalStoreError('LOCAL_STORE_NOT_FOUND', `no outbox item ${id}`);
  return item;
}

export function listOutbox(db: StoreDb, filter: OutboxFilter): OutboxItem[] {
  const rows = db
    .statement(
      `SELECT * FROM outbox
       WHERE (:account_id IS NULL OR account_id = :account_id) AND (:state IS NULL OR state = :state)
       ORDER BY id`,
    )
    .all({ account_id: filter.accountId ?? null, state: filter.state ?? null }) as OutboxRow[];
  return rows.map(toItem);
}

/** Uses the partial index outbox_due: only queued items are in it. */
export function dueOutboxItems(db: StoreDb, nowMs: number, limit: number): OutboxItem[] {
  const rows = db
    .statement(
      `SELECT * FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?
       ORDER BY next_attempt_at, id LIMIT ?`,
    )
    .all(nowMs, limit) as OutboxRow[];
  return rows.map(toItem);
}

/** Column values to set; `null` clears a nullable column. */
export interface OutboxColumns {
  readonly state?: OutboxState;
  readonly attempts?: number;
  readonly next_attempt_at?: number;
  readonly last_error?: string | null;
  readonly error_report?: string | null;
  readonly msg_id?: string | null;
  readonly draft?: string;
}

export function updateOutboxItem(
  db: StoreDb,
  id: number,
  columns: OutboxColumns,
  nowMs: number,
): OutboxItem {
  requireOutboxItem(db, id);
  // Column names come from the OutboxColumns keys the caller built, never from input.
  const names = Object.keys(columns);
  const assignments = [...names.map((name) => `${name} = :${name}`), 'updated_at = :updated_at'];
  db.statement(`UPDATE outbox SET ${assignments.join(', ')} WHERE id = :id`).run({
    ...columns,
    updated_at: nowMs,
    id,
  });
  return requireOutboxItem(db, id);
}

export function deleteOutboxItem(db: StoreDb, id: number): boolean {
  return db.statement('DELETE FROM outbox WHERE id = ?').run(id).changes > 0;
}
