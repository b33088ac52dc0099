// Checks on everything handed to the store. Each failure is LOCAL_STORE_INVALID_INPUT
// naming the field, thrown before anything is written.
import { LocalStoreError } from './errors.ts';
import { FOLDERS, type Folder } from './types.ts';
import {
  MAX_BATCH_ITEMS,
  MAX_FLAGS,
  MAX_ID_CHARS,
  MAX_PAGE_SIZE,
  MAX_QUERY_ACCOUNTS,
} from './limits.ts';

function invalid(field: string, problem: string): LocalStoreError {
  return new LocalStoreError('LOCAL_STORE_INVALID_INPUT', `${field} ${problem}`);
}

/** A string of at most `maxChars` code units (empty allowed unless `nonEmpty`). */
export function checkText(
  field: string,
  value: unknown,
  maxChars: number,
  nonEmpty = false,
): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (nonEmpty && value.length === 0) throw invalid(field, 'must not be empty');
  if (value.length > maxChars) throw invalid(field, `is longer than ${maxChars} characters`);
  return value;
}

/** An id, msg-id, mailbox or flag name: 1 to MAX_ID_CHARS code units. */
export function checkId(field: string, value: unknown): string {
  return checkText(field, value, MAX_ID_CHARS, true);
}

export function checkBytes(field: string, value: unknown, maxBytes: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid(field, 'must be a Uint8Array');
  if (value.byteLength > maxBytes) throw invalid(field, `is larger than ${maxBytes} bytes`);
  return value;
}

export function checkCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(field, 'must be a non-negative integer');
  }
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(field, 'must be a boolean');
  return value;
}

/** A valid Date; returned as milliseconds since the epoch. */
export function checkDate(field: string, value: unknown): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalid(field, 'must be a valid Date');
  }
  return value.getTime();
}

export function checkFolder(field: string, value: unknown): Folder {
  if (!(FOLDERS as readonly unknown[]).includes(value)) {
    throw invalid(field, `must be one of ${FOLDERS.join(', ')}`);
  }
  return value as Folder;
}

export function checkOneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw invalid(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A list of at most `maxItems` entries. */
export function checkList(
  field: string,
  value: unknown,
  maxItems = MAX_BATCH_ITEMS,
): readonly unknown[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be an array');
  if (value.length > maxItems) throw invalid(field, `has more than ${maxItems} entries`);
  return value as readonly unknown[];
}

/** One account id or a list of 1 to MAX_QUERY_ACCOUNTS of them, deduplicated. */
export function checkAccountIds(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) return [checkId(field, value)];
  const ids = checkIds(field, value, MAX_QUERY_ACCOUNTS);
  if (ids.length === 0) throw invalid(field, 'must name at least one account');
  return [...new Set(ids)];
}

/**
 * Checks each item with `check`, which names what it checks from the item down; the
 * item's place (`field[index]`) is put in front only when one fails: a page checks
 * thousands of items, and naming each one cost more than checking it.
 */
export function checkEach<T>(
  field: string,
  items: readonly unknown[],
  check: (item: unknown) => T,
): T[] {
  const checked: T[] = [];
  for (let index = 0; index < items.length; index++) {
    try {
      checked.push(check(items[index]));
    } catch (error) {
      if (!(error instanceof LocalStoreError)) throw error;
      throw new LocalStoreError(error.code, `${field}[${index}]${error.message}`);
    }
  }
  return checked;
}

const checkListedId = (id: unknown) => checkId('', id);

/** A list of ids (msg-ids, account ids), each checked. */
export function checkIds(field: string, value: unknown, maxItems = MAX_BATCH_ITEMS): string[] {
  return checkEach(field, checkList(field, value, maxItems), checkListedId);
}

/** Flag names, deduplicated and sorted (so equal sets compare equal as JSON). */
export function checkFlags(field: string, value: unknown): string[] {
  const flags = checkIds(field, value, MAX_FLAGS);
  // Most messages have no flag or one: nothing to sort out (a page checks 1,000).
  return flags.length < 2 ? flags : [...new Set(flags)].sort();
}

/** A page size: 1 to MAX_PAGE_SIZE. */
export function checkLimit(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw invalid(field, `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return value;
}

/** JSON text that parses (the store keeps it as text, but never stores broken JSON). */
export function checkJson(field: string, value: unknown, maxChars: number): string {
  const text = checkText(field, value, maxChars, true);
  try {
    JSON.parse(text);
  } catch {
    throw invalid(field, 'is not valid JSON');
  }
  return text;
}

export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field, 'must be an object');
  }
  return value as Record<string, unknown>;
}
