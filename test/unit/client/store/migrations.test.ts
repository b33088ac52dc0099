import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
} from '../../../../src/client/store/migrations/index.ts';
import { StoreDb } from '../../../../src/client/store/store-db.ts';
import { storePath, tempFolder } from './fixtures/temp-store.ts';

const folder = tempFolder();

function freshDb(): { db: StoreDb; raw: Database.Database } {
  const raw = new Database(storePath(folder));
  return { db: new StoreDb(raw), raw };
}

function tableNames(raw: Database.Database): string[] {
  return raw
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type IN ('table', 'index', 'trigger') ORDER BY name",
    )
    .pluck()
    .all() as string[];
}

describe('migrations', () => {
  test('0010 creates every table and index from an empty file and records version 10', () => {
    const { db, raw } = freshDb();
    migrate(db, 0);
    assert.equal(raw.pragma('user_version', { simple: true }), 10);
    assert.equal(LATEST_VERSION, 10);
    const names = tableNames(raw);
    for (const name of [
      'accounts',
      'list_cursors',
      'messages',
      'messages_by_folder',
      'messages_unread',
      'messages_flagged',
      'message_parts',
      'folder_counts',
      'messages_counted',
      'messages_uncounted',
      'messages_recounted',
      'message_bodies',
      'message_search',
      'flag_changes',
      'outbox',
      'outbox_due',
      'contacts',
      'contacts_by_name',
      'consent_pending',
      'consent_policies',
      'consent_outgoing',
      'consent_audit',
      'consent_state',
    ]) {
      assert.ok(names.includes(name), name);
    }
    db.close();
  });

  test('running the migrations again on an up-to-date file changes nothing', () => {
    const { db, raw } = freshDb();
    migrate(db, 0);
    const before = tableNames(raw);
    migrate(db, 10);
    assert.deepEqual(tableNames(raw), before);
    db.close();
  });

  test('a file migrated meanwhile by another connection is not migrated twice', () => {
    const { db, raw } = freshDb();
    const other = new StoreDb(new Database(raw.name));
    migrate(other, 0);
    other.close();
    migrate(db, 0);
    assert.equal(raw.pragma('user_version', { simple: true }), 10);
    db.close();
  });

  test('a failing migration rolls back and leaves the previous version', () => {
    const { db, raw } = freshDb();
    const broken = [
      ...MIGRATIONS,
      {
        version: 20,
        up: (target: StoreDb) => {
          target.exec('CREATE TABLE half_done (id INTEGER)');
          throw new Error('migration 20 fails');
        },
      },
    ];
    assert.throws(() => {
      migrate(db, 0, broken);
    }, /migration 20 fails/);
    assert.equal(raw.pragma('user_version', { simple: true }), 10);
    assert.equal(tableNames(raw).includes('half_done'), false);
    db.close();
  });

  test('migrations out of order are refused before any runs', () => {
    const { db, raw } = freshDb();
    const unordered = [{ version: 20, up: () => undefined }, ...MIGRATIONS];
    assert.throws(
      () => {
        migrate(db, 0, unordered);
      },
      { code: 'LOCAL_STORE_INTERNAL' },
    );
    assert.equal(raw.pragma('user_version', { simple: true }), 0);
    assert.deepEqual(tableNames(raw), []);
    db.close();
  });
});
