/** What the index orders: anything with a uid and the modseq of its latest change. */
export interface Changeable {
  readonly uid: number;
  readonly modseq: number;
}

interface Slot<T> {
  readonly modseq: number;
  readonly item: T;
}

/**
 * A mailbox's changes in modseq order, for LIST from a cursor in O(log n + page).
 *
 * Each change gets its modseq before it is durable and becomes visible after, and
 * concurrent changes finish in any order. So the index holds back every change above
 * the lowest modseq still in flight: a client that listed up to a cursor can never miss
 * a change that lands below it later.
 */
export class ChangeIndex<T extends Changeable> {
  /** Sorted by modseq; a slot is stale once its item changed again (a newer slot exists). */
  #slots: Slot<T>[] = [];
  readonly #inFlight = new Set<number>();
  #stale = 0;

  /** A change got `modseq` and is being made durable. */
  begin(modseq: number): void {
    this.#inFlight.add(modseq);
  }

  /** The change with `modseq` failed and will never be applied. */
  abandon(modseq: number): void {
    this.#inFlight.delete(modseq);
  }

  /**
   * `item` now carries its new modseq (and `previous` was its modseq before, if it was
   * indexed). Ends the in-flight change, if any.
   */
  applied(item: T, previous?: number): void {
    this.#inFlight.delete(item.modseq);
    if (previous !== undefined) this.#stale++;
    let at = this.#slots.length;
    while (at > 0 && (this.#slots[at - 1]?.modseq ?? 0) > item.modseq) at--;
    this.#slots.splice(at, 0, { modseq: item.modseq, item });
    if (this.#stale > 1024 && this.#stale > this.#slots.length / 2) this.#compact();
  }

  /** Up to `limit` items changed after `cursor`, oldest change first, below the horizon. */
  since(cursor: number, limit: number): { items: T[]; more: boolean } {
    const horizon = this.#inFlight.size === 0 ? Infinity : Math.min(...this.#inFlight) - 1;
    const items: T[] = [];
    for (let at = this.#firstAfter(cursor); at < this.#slots.length; at++) {
      const slot = this.#slots[at];
      if (slot === undefined || slot.modseq > horizon) break;
      if (slot.item.modseq !== slot.modseq) continue;
      if (items.length === limit) return { items, more: true };
      items.push(slot.item);
    }
    return { items, more: false };
  }

  #firstAfter(cursor: number): number {
    let low = 0;
    let high = this.#slots.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#slots[middle]?.modseq ?? Infinity) <= cursor) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #compact(): void {
    this.#slots = this.#slots.filter((slot) => slot.item.modseq === slot.modseq);
    this.#stale = 0;
  }
}
