// Keyset page cursors: opaque strings holding the sort key of the last row shown.
// A page asks for rows with a smaller key, so its cost does not grow with its depth.
import { LocalStoreError } from './errors.ts';

const PREFIX = 'k1.';
const CURSOR = /^k1\.([0-9a-z]{1,11})$/;

/** The largest key plus one: where a first page starts. */
export const FIRST_PAGE = Number.MAX_SAFE_INTEGER;

export function encodeCursor(sortKey: number): string {
  return PREFIX + sortKey.toString(36);
}

/** The sort key in `cursor`, or FIRST_PAGE when there is none. */
export function decodeCursor(cursor: unknown): number {
  if (cursor === undefined) return FIRST_PAGE;
  const match = typeof cursor === 'string' ? CURSOR.exec(cursor) : null;
  const key = match?.[1] === undefined ? Number.NaN : Number.parseInt(match[1], 36);
  if (!Number.isSafeInteger(key)) {
    throw new LocalStoreError('LOCAL_STORE_BAD_CURSOR', 'not a page cursor of this store');
  }
  return key;
}
