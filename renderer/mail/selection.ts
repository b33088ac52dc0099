import type { MessageRef } from '../../src/api/index.ts';

/** The list's selected row: where it was picked, and which message it was. */
export interface Selection {
  readonly index: number;
  readonly ref?: MessageRef;
}

export const NO_SELECTION: Selection = { index: -1 };

/** Selects row `index` of `items` (-1: none). */
export function selectRow(
  items: readonly { readonly ref: MessageRef }[],
  index: number,
): Selection {
  const ref = items[index]?.ref;
  return ref === undefined ? { index } : { index, ref };
}

/**
 * The selected row in `items` as they are now: the selected message wherever a reload
 * moved it (opening an unread message in the Unread list reads it, and the row kept for
 * the one read before drops out above it); once it is gone (deleted, say), the row where
 * it was, or the last row of a shorter list.
 */
export function selectedIndex(
  items: readonly { readonly ref: MessageRef }[],
  selection: Selection,
): number {
  if (selection.ref !== undefined) {
    const moved = items.findIndex((item) => item.ref === selection.ref);
    if (moved !== -1) return moved;
  }
  return Math.min(selection.index, items.length - 1);
}
