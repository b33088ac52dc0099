// The paging and search queries must read only their page: no sort of all matching
// rows (a temporary B-tree), and the index meant for each list. Checked with SQLite's
// own EXPLAIN QUERY PLAN on a real store file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listSql, searchSql } from '../../../../src/client/store/queries/listing.ts';
import {
  STORED_IDS_SQL,
  UNVERIFIED_COUNT_SQL,
  UNVERIFIED_SQL,
} from '../../../../src/client/store/queries/messages.ts';
import { INDEX_QUEUED_SQL } from '../../../../src/client/store/queries/search-index.ts';
import { BY_MSG_ID, byMsgId } from '../../../../src/client/store/msg-key.ts';
import { openTempStore } from './fixtures/temp-store.ts';

const store = openTempStore();

function plan(sql: string, ...params: unknown[]): string {
  const rows = store.db.statement(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
    detail: string;
  }[];
  return rows.map((row) => row.detail).join('\n');
}

describe('query plans', () => {
  for (const [filter, index] of [
    ['all', 'messages_by_folder'],
    ['unread', 'messages_unread'],
    ['flagged', 'messages_flagged'],
  ] as const) {
    test(`a ${filter} page walks ${index} backwards without sorting`, () => {
      const detail = plan(listSql(filter), 'a', 'inbox', 1000, 51);
      assert.match(detail, new RegExp(`USING (COVERING )?INDEX ${index}`));
      assert.doesNotMatch(detail, /TEMP B-TREE/);
    });
  }

  test('a message is found by msg-id through the msg_key index', () => {
    for (const sql of [
      `SELECT id FROM messages WHERE ${BY_MSG_ID}`,
      `UPDATE messages SET folder = 'trash' WHERE ${BY_MSG_ID}`,
    ]) {
      assert.match(
        plan(sql, ...byMsgId('a', 'm@x')),
        /SEARCH messages USING INDEX messages_by_msg_key \(msg_key=\?\)/,
      );
    }
  });

  test("a batch's stored messages are found through the msg_key index, one seek per key", () => {
    const detail = plan(STORED_IDS_SQL, '[1, 2]', 'a');
    assert.match(detail.split('\n')[0] ?? '', /SCAN k VIRTUAL TABLE/);
    assert.match(detail, /SEARCH m USING INDEX messages_by_msg_key \(msg_key=\?\)/);
    assert.doesNotMatch(detail, /messages_by_folder/);
  });

  test('messages queued for the search index are each read by their id', () => {
    const detail = plan(INDEX_QUEUED_SQL, 8);
    assert.match(detail, /SEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    assert.match(detail, /SEARCH b USING INTEGER PRIMARY KEY \(rowid=\?\) LEFT-JOIN/);
    assert.doesNotMatch(detail, /SCAN m\b/);
  });

  test('the messages waiting for verification are read through their partial index, in order', () => {
    const detail = plan(UNVERIFIED_SQL, 'a', 250);
    assert.match(
      detail.split('\n')[0] ?? '',
      /SCAN p USING (COVERING )?INDEX message_parts_unverified/,
    );
    assert.match(detail, /SEARCH m USING INTEGER PRIMARY KEY/);
    assert.doesNotMatch(detail, /TEMP B-TREE/);
  });

  test('the messages waiting for verification are counted through their partial index', () => {
    const detail = plan(UNVERIFIED_COUNT_SQL, 'a');
    assert.match(
      detail.split('\n')[0] ?? '',
      /SCAN p USING (COVERING )?INDEX message_parts_unverified/,
    );
    assert.match(detail, /SEARCH m USING INTEGER PRIMARY KEY/);
  });

  for (const withFolder of [false, true]) {
    test(`a search page${withFolder ? ' in one folder' : ''} is driven by the FTS index in rowid order, without sorting`, () => {
      const params = withFolder ? ['"x"', 1000, 'a', 'inbox', 51] : ['"x"', 1000, 'a', 51];
      const detail = plan(searchSql(withFolder), ...params);
      const lines = detail.split('\n');
      assert.match(lines[0] ?? '', /VIRTUAL TABLE INDEX/, 'the FTS table is the outer loop');
      assert.match(detail, /SEARCH m USING INTEGER PRIMARY KEY/);
      assert.doesNotMatch(detail, /TEMP B-TREE/);
    });
  }
});
