// The sort key of a message: its INTEGER PRIMARY KEY and its FTS rowid, so that
// "newest first" is "largest id first" in every list, index and full-text query.
//
//   id = seconds(date) * 2^20 + tie
//
// seconds(date) is clamped to [0, 2^33 - 1] (1970 to the year 2242), so every id is a
// safe JavaScript integer (below 2^53). The tie-breaker is the next free number in the
// second's block of 2^20, so a message arriving late for its date still lands in date
// order, and equal dates keep their arrival order. Should a second's block ever fill
// up, the message takes the next free slot of a later second (it sorts a second late).
import type { StoreDb } from './store-db.ts';

export const TIE_BITS = 20;
const TIE_SPAN = 2 ** TIE_BITS;
const MAX_SECONDS = 2 ** 33 - 1;

/** The first id of the block of the second `dateMs` falls in. */
export function blockStart(dateMs: number): number {
  const seconds = Math.min(Math.max(Math.floor(dateMs / 1000), 0), MAX_SECONDS);
  return seconds * TIE_SPAN;
}

/** Whether `id` lies in the block for `dateMs` (a changed date needs a new id otherwise). */
export function inBlock(id: number, dateMs: number): boolean {
  const start = blockStart(dateMs);
  return id >= start && id < start + TIE_SPAN;
}

/**
 * Hands out the ids of new messages within one transaction. Each second's block is
 * looked up once (its largest id, an index seek); later messages of the same second
 * take the following numbers from memory, so a page of messages dated close together
 * costs a few queries, not one per message. The ids handed out are not in the table
 * until the caller inserts them, so an allocator must not outlive its transaction.
 */
export class SortKeyAllocator {
  readonly #db: StoreDb;
  /** Block start to the next free id in that block (block start + TIE_SPAN: full). */
  readonly #nextFree = new Map<number, number>();

  constructor(db: StoreDb) {
    this.#db = db;
  }

  /** The id for a new message dated `dateMs`. */
  next(dateMs: number): number {
    for (let start = blockStart(dateMs); start <= MAX_SECONDS * TIE_SPAN; start += TIE_SPAN) {
      const free = this.#nextFree.get(start) ?? this.#firstFree(start);
      if (free < start + TIE_SPAN) {
        this.#nextFree.set(start, free + 1);
        return free;
      }
      this.#nextFree.set(start, free);
    }
    // Only reachable if every later second is full: 2^53 messages.
    throw new RangeError('no sort key left');
  }

  #firstFree(start: number): number {
    const taken = this.#db
      .statement('SELECT max(id) FROM messages WHERE id >= ? AND id < ?')
      .pluck()
      .get(start, start + TIE_SPAN) as number | null;
    return taken === null ? start : taken + 1;
  }
}
