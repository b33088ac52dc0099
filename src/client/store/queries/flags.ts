// Local flag changes and their queue. A change sets the message's flags at once and
// queues it (one entry per message; setting again replaces the entry with a newer
// revision). The engine takes entries, pushes them, and acknowledges each with the
// revision it took, so a change made meanwhile stays queued.
import { BY_MSG_ID, byMsgId } from '../msg-key.ts';
import type { StoreDb } from '../store-db.ts';
import type { FlagChange, ServerLocation } from '../types.ts';
import { flagColumns } from './message-rows.ts';

export function hasPendingFlagChange(db: StoreDb, id: number): boolean {
  return (
    db.statement('SELECT 1 FROM flag_changes WHERE message_id = ?').pluck().get(id) !== undefined
  );
}

/** Sets the flags of message `id` and queues the change; returns its revision. */
export function setLocalFlags(db: StoreDb, id: number, flags: readonly string[]): number {
  db.statement(
    'UPDATE messages SET flags = :flags, unread = :unread, flagged = :flagged WHERE id = :id',
  ).run({
    id,
    ...flagColumns(flags),
  });
  // REPLACE deletes the message's old entry, so the new one gets a fresh revision and goes
  // to the back of the queue; AUTOINCREMENT never hands a revision out twice.
  const result = db
    .statement('INSERT OR REPLACE INTO flag_changes (message_id) VALUES (?)')
    .run(id);
  return Number(result.lastInsertRowid);
}

interface FlagChangeRow {
  readonly revision: number;
  readonly account_id: string;
  readonly msg_id: string;
  readonly flags: string;
  readonly mailbox: string | null;
  readonly uid: number | null;
  readonly modseq: number | null;
}

function toFlagChange(row: FlagChangeRow): FlagChange {
  const server: ServerLocation | undefined =
    row.mailbox === null || row.uid === null || row.modseq === null
      ? undefined
      : { mailbox: row.mailbox, uid: row.uid, modseq: row.modseq };
  return {
    accountId: row.account_id,
    msgId: row.msg_id,
    flags: JSON.parse(row.flags) as string[],
    ...(server === undefined ? {} : { server }),
    revision: row.revision,
  };
}

const FLAG_CHANGE_QUERY = `SELECT f.revision, m.account_id, m.msg_id, m.flags, m.mailbox, m.uid, m.modseq
  FROM flag_changes f JOIN messages m ON m.id = f.message_id`;

export function flagChange(db: StoreDb, id: number): FlagChange {
  return toFlagChange(
    db.statement(`${FLAG_CHANGE_QUERY} WHERE f.message_id = ?`).get(id) as FlagChangeRow,
  );
}

export function pendingFlagChanges(db: StoreDb, accountId: string, limit: number): FlagChange[] {
  const rows = db
    .statement(`${FLAG_CHANGE_QUERY} WHERE m.account_id = ? ORDER BY f.revision LIMIT ?`)
    .all(accountId, limit) as FlagChangeRow[];
  return rows.map(toFlagChange);
}

/** Removes the entry of `msgId` if it still has `revision`; returns whether it did. */
export function acknowledgeFlagChange(
  db: StoreDb,
  accountId: string,
  msgId: string,
  revision: number,
): boolean {
  const result = db
    .statement(
      `DELETE FROM flag_changes WHERE revision = ?
         AND message_id = (SELECT id FROM messages WHERE ${BY_MSG_ID})`,
    )
    .run(revision, ...byMsgId(accountId, msgId));
  return result.changes > 0;
}
