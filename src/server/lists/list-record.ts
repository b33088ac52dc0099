// A hosted list's durable state: one JSON file per list, replaced atomically (written to
// a temporary file, fsynced, renamed over the old one, the directory fsynced), so a
// crash leaves either the old state or the new one, never half of either.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostedList, ListPayload, PendingConfirmation } from '../../extensions/index.ts';
import { ListHostError } from './errors.ts';

/** Answers already decided for a control message (kept so a replay sends the same ones). */
export interface AnsweredControl {
  readonly msgId: string;
  readonly answers: readonly { readonly to: string; readonly payload: ListPayload }[];
}

/** What the state file holds: the list and the control messages it answered last. */
export interface ListRecord {
  readonly list: HostedList;
  /** The most recent {@link MAX_ANSWERED_KEPT} control messages handled, oldest first. */
  readonly answered: readonly AnsweredControl[];
}

/**
 * Control messages remembered with their answers: 1000. A message is handled and then
 * expunged from the list's mailbox; only one interrupted between the two comes back, so
 * the few latest are all that is ever needed.
 */
export const MAX_ANSWERED_KEPT = 1000;

/** Largest state file read: 16 MiB (10,000 members and 1000 confirmations fit well). */
const MAX_STATE_BYTES = 16 * 1024 * 1024;

interface StoredConfirmation {
  address: string;
  action: 'subscribe' | 'unsubscribe';
  token: string;
  expiresAt: string;
}

interface StoredRecord {
  version: 1;
  address: string;
  name?: string;
  closed: boolean;
  members: string[];
  confirmations: StoredConfirmation[];
  answered: AnsweredControl[];
}

function toStored(record: ListRecord): StoredRecord {
  const { list } = record;
  return {
    version: 1,
    address: list.address,
    ...(list.name === undefined ? {} : { name: list.name }),
    closed: list.closed === true,
    members: [...list.members],
    confirmations: list.confirmations.map((entry) => ({
      ...entry,
      expiresAt: entry.expiresAt.toISOString(),
    })),
    answered: [...record.answered],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function invalid(path: string, why: string): ListHostError {
  return new ListHostError('MT2D_LIST_STATE_INVALID', `${path}: ${why}`);
}

function readConfirmation(value: unknown, path: string): PendingConfirmation {
  if (
    !isObject(value) ||
    typeof value['address'] !== 'string' ||
    (value['action'] !== 'subscribe' && value['action'] !== 'unsubscribe') ||
    typeof value['token'] !== 'string' ||
    typeof value['expiresAt'] !== 'string' ||
    Number.isNaN(Date.parse(value['expiresAt']))
  ) {
    throw invalid(path, 'a confirmation is malformed');
  }
  return {
    address: value['address'],
    action: value['action'] === 'subscribe' ? 'subscribe' : 'unsubscribe',
    token: value['token'],
    expiresAt: new Date(value['expiresAt']),
  };
}

/** Checks the shape of a parsed state file (answers are our own writing, kept as they are). */
export function parseListRecord(text: string, path: string): ListRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(path, error instanceof Error ? error.message : 'not JSON');
  }
  if (!isObject(value) || value['version'] !== 1) throw invalid(path, 'not a version 1 list');
  const { address, name, closed, members, confirmations, answered } = value;
  if (typeof address !== 'string') throw invalid(path, 'address missing');
  if (name !== undefined && typeof name !== 'string') throw invalid(path, 'name is no string');
  if (typeof closed !== 'boolean') throw invalid(path, 'closed is no boolean');
  if (!isStringArray(members)) throw invalid(path, 'members is no list of addresses');
  if (!Array.isArray(confirmations) || !Array.isArray(answered)) {
    throw invalid(path, 'confirmations or answered missing');
  }
  return {
    list: {
      address,
      ...(name === undefined ? {} : { name }),
      closed,
      members,
      confirmations: confirmations.map((entry) => readConfirmation(entry, path)),
    },
    answered: answered as AnsweredControl[],
  };
}

/** Reads a list's state file. */
export async function readListRecord(path: string): Promise<ListRecord> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_STATE_BYTES) throw invalid(path, `over ${MAX_STATE_BYTES} octets`);
    return parseListRecord(await handle.readFile('utf8'), path);
  } finally {
    await handle.close();
  }
}

/** Replaces a list's state file atomically and durably (see the top of this file). */
export async function writeListRecord(path: string, record: ListRecord): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(`${JSON.stringify(toStored(record), null, 1)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
