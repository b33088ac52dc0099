// Message lists and full-text search, newest first, paged by sort key (keyset): a page
// reads only its own rows from an index, however deep it is.
import { encodeCursor } from '../page-cursor.ts';
import type { StoreDb } from '../store-db.ts';
import {
  FOLDERS,
  type Folder,
  type FolderCount,
  type ListFilter,
  type MessageSummary,
  type Page,
} from '../types.ts';
import { SUMMARY_COLUMNS, toSummary, type SummaryRow } from './message-rows.ts';

/**
 * The filter's condition, written out so SQLite can match it against the partial
 * indexes messages_unread and messages_flagged.
 */
const FILTER_CONDITION: Readonly<Record<ListFilter, string>> = {
  all: '',
  unread: 'AND m.unread = 1',
  flagged: 'AND m.flagged = 1',
};

/** A list page: parameters account, folder, before-key, limit. */
export function listSql(filter: ListFilter): string {
  return `SELECT ${SUMMARY_COLUMNS} FROM messages m
    WHERE m.account_id = ? AND m.folder = ? ${FILTER_CONDITION[filter]} AND m.id < ?
    ORDER BY m.id DESC LIMIT ?`;
}

/** A search page: parameters match, before-key, account, [folder], limit. */
export function searchSql(withFolder: boolean): string {
  return `SELECT ${SUMMARY_COLUMNS} FROM message_search s CROSS JOIN messages m ON m.id = s.rowid
    WHERE message_search MATCH ? AND s.rowid < ? AND m.account_id = ? ${withFolder ? 'AND m.folder = ?' : ''}
    ORDER BY s.rowid DESC LIMIT ?`;
}

/**
 * One page over several accounts: each account's page (one indexed query each, from the
 * same cursor, since sort keys are unique across accounts), merged newest first.
 */
function acrossAccounts(
  accountIds: readonly string[],
  pageOf: (accountId: string) => SummaryRow[],
): SummaryRow[] {
  const rows = accountIds.flatMap(pageOf);
  return accountIds.length === 1 ? rows : rows.sort((a, b) => b.id - a.id);
}

/** Rows fetched as limit + 1: the extra row only tells whether a next page exists. */
function toPage(rows: SummaryRow[], limit: number): Page<MessageSummary> {
  const items = rows.slice(0, limit).map(toSummary);
  const last = rows[limit - 1];
  return rows.length > limit && last !== undefined
    ? { items, next: encodeCursor(last.id) }
    : { items };
}

export function listPage(
  db: StoreDb,
  accountIds: readonly string[],
  folder: Folder,
  filter: ListFilter,
  beforeKey: number,
  limit: number,
): Page<MessageSummary> {
  const statement = db.statement(listSql(filter));
  const rows = acrossAccounts(
    accountIds,
    (accountId) => statement.all(accountId, folder, beforeKey, limit + 1) as SummaryRow[],
  );
  return toPage(rows, limit);
}

/**
 * The FTS table drives the query (CROSS JOIN keeps it the outer loop): it yields
 * matching rowids from the largest down, starting below the cursor, and stops once the
 * page is full, because rowids are the sort keys.
 */
export function searchPage(
  db: StoreDb,
  accountIds: readonly string[],
  match: string,
  folder: Folder | undefined,
  beforeKey: number,
  limit: number,
): Page<MessageSummary> {
  const statement = db.statement(searchSql(folder !== undefined));
  const rows = acrossAccounts(
    accountIds,
    (accountId) =>
      statement.all(
        match,
        beforeKey,
        accountId,
        ...(folder === undefined ? [] : [folder]),
        limit + 1,
      ) as SummaryRow[],
  );
  return toPage(rows, limit);
}

/** Read from folder_counts, which triggers on messages keep up to date. */
export function folderCounts(db: StoreDb, accountId: string): FolderCount[] {
  const rows = db
    .statement('SELECT folder, total, unread FROM folder_counts WHERE account_id = ?')
    .all(accountId) as FolderCount[];
  const byFolder = new Map(rows.map((row) => [row.folder, row]));
  return FOLDERS.map((folder) => ({
    folder,
    total: byFolder.get(folder)?.total ?? 0,
    unread: byFolder.get(folder)?.unread ?? 0,
  }));
}
