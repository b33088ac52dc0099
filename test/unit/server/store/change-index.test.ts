import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangeIndex } from '../../../../src/server/store/change-index.ts';

interface Item {
  uid: number;
  modseq: number;
}

function uids(index: ChangeIndex<Item>, cursor: number, limit = 100): number[] {
  return index.since(cursor, limit).items.map((item) => item.uid);
}

describe('ChangeIndex', () => {
  it('lists changes after a cursor, oldest first, with paging', () => {
    const index = new ChangeIndex<Item>();
    for (let uid = 1; uid <= 5; uid++) index.applied({ uid, modseq: uid });
    assert.deepEqual(uids(index, 0), [1, 2, 3, 4, 5]);
    assert.deepEqual(uids(index, 3), [4, 5]);
    assert.deepEqual(index.since(0, 2), {
      items: [
        { uid: 1, modseq: 1 },
        { uid: 2, modseq: 2 },
      ],
      more: true,
    });
    assert.equal(index.since(3, 2).more, false);
  });

  it('moves a changed item to its new place and lists it once', () => {
    const index = new ChangeIndex<Item>();
    const first = { uid: 1, modseq: 1 };
    index.applied(first);
    index.applied({ uid: 2, modseq: 2 });
    first.modseq = 3;
    index.applied(first, 1);
    assert.deepEqual(uids(index, 0), [2, 1]);
    assert.deepEqual(uids(index, 2), [1]);
  });

  it('holds back changes above one still in flight, so no cursor skips it', () => {
    const index = new ChangeIndex<Item>();
    index.begin(1);
    index.begin(2);
    index.applied({ uid: 2, modseq: 2 }); // the later change finished first
    assert.deepEqual(uids(index, 0), [], 'uid 2 is held back while modseq 1 is in flight');
    index.applied({ uid: 1, modseq: 1 });
    assert.deepEqual(uids(index, 0), [1, 2]);
  });

  it('lets go of the horizon when an in-flight change is abandoned', () => {
    const index = new ChangeIndex<Item>();
    index.begin(1);
    index.begin(2);
    index.applied({ uid: 2, modseq: 2 });
    index.abandon(1);
    assert.deepEqual(uids(index, 0), [2]);
  });

  it('stays correct across compaction of many stale slots', () => {
    const index = new ChangeIndex<Item>();
    const items = Array.from({ length: 10 }, (_, i) => ({ uid: i + 1, modseq: i + 1 }));
    for (const item of items) index.applied(item);
    let modseq = items.length;
    for (let round = 0; round < 500; round++) {
      for (const item of items) {
        const previous = item.modseq;
        item.modseq = ++modseq;
        index.applied(item, previous);
      }
    }
    assert.deepEqual(uids(index, 0), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(uids(index, modseq - 3), [8, 9, 10]);
  });
});
