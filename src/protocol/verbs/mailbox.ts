import { atom, num, option, type Mt2Response } from '../codec/frames.ts';
import { isAtom, isUint } from '../codec/tokens.ts';
import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';
import type { PullWaiting } from '../session/pull-receiver.ts';
import { PART_TYPES } from '../session/transfer-receiver.ts';
import { isMailboxFlag, listingProblem, parseEntry } from '../transfer-extensions/mailbox-entry.ts';
import {
  MAILBOX_RESULT,
  type MailboxEntry,
  type MailboxFlag,
  type MailboxListing,
  type MailboxPart,
  type PullOptions,
  type PullOutcome,
  type PullResult,
} from '../transfer-extensions/mailbox-types.ts';
import { abor } from './abor.ts';

/** Entries asked per LIST when the caller names no limit (the server may cut it further). */
export const DEFAULT_LIST_LIMIT = 5000;
/** Msg-ids per PULL or DELE request when the caller names no other number. */
export const DEFAULT_IDS_PER_REQUEST = 500;
/** Octets of a request line besides its msg-ids: `[` tag (at most 16 digits) ` VERB ` ... `]` CRLF. */
const LINE_FRAME_BYTES = 1 + 16 + 6 + 3;

const malformed = (detail: string): Mt2Error => new Mt2Error('MALFORMED_RESPONSE', detail);

function checkCount(value: number, name: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new Mt2Error(
      'BAD_PARAMETERS',
      `${name} must be an integer from ${minimum}, got ${value}`,
    );
  }
}

/** Each msg-id an atom, each once, at least one. */
function checkIds(msgIds: readonly string[]): void {
  if (msgIds.length === 0) throw new Mt2Error('BAD_PARAMETERS', 'at least one msg-id');
  const bad = msgIds.find((id) => !isAtom(id));
  if (bad !== undefined) throw new Mt2Error('BAD_PARAMETERS', `msg-id '${bad}' is not an atom`);
  if (new Set(msgIds).size !== msgIds.length)
    throw new Mt2Error('BAD_PARAMETERS', 'a msg-id twice');
}

/**
 * Cuts msg-ids into requests of at most `perRequest` ids whose lines fit the server's
 * MAXLINE next to `otherBytes` of other parameters.
 */
function batches(
  context: ClientContext,
  msgIds: readonly string[],
  perRequest: number,
  otherBytes: number,
): string[][] {
  const budget = context.endpoint.peerLimits.maxLineBytes - LINE_FRAME_BYTES - otherBytes;
  const out: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const id of msgIds) {
    if (current.length > 0 && (current.length >= perRequest || used + id.length + 1 > budget)) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(id);
    used += id.length + 1;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The value of a `(NAME=uint)` group of a response. */
function countOf(response: Mt2Response, name: string): number {
  const group = response.groups.find((g) => g.kind === 'option' && g.name === name);
  const [value, ...extra] = group?.kind === 'option' ? group.values : [];
  if (value === undefined || extra.length > 0 || !isUint(value)) {
    throw malformed(`${response.code} without a valid (${name}=n)`);
  }
  return Number(value);
}

/** Reads the entries of one TMP line of LIST into `into`. */
function readEntries(response: Mt2Response, into: MailboxEntry[]): void {
  if (response.code !== MAILBOX_RESULT.ENTRIES) {
    throw malformed(`LIST: intermediate ${response.code}, expected ${MAILBOX_RESULT.ENTRIES}`);
  }
  for (const group of response.groups) {
    const entry = group.kind === 'option' ? parseEntry(group) : `result group in LIST`;
    if (typeof entry === 'string') throw malformed(`LIST: ${entry}`);
    into.push(entry);
  }
}

/**
 * `LIST {since} (LIMIT=n)` (docs/protocol.md section 8.4): the entries come on TMP lines,
 * then the OK with `(CURSOR=n) (COUNT=n)` and `(MORE)` when the page was cut. Every
 * field is checked; a server breaking the grammar or the order fails MALFORMED_RESPONSE.
 * @throws Mt2Error BAD_PARAMETERS, WRONG_STATE, REFUSED, MALFORMED_RESPONSE
 */
export async function list(
  context: ClientContext,
  since: number,
  limit: number = DEFAULT_LIST_LIMIT,
): Promise<MailboxListing> {
  requireState(context, 'LIST', 'authenticated');
  checkCount(since, 'since', 0);
  checkCount(limit, 'limit', 1);
  const entries: MailboxEntry[] = [];
  let problem: Mt2Error | undefined;
  const sent = context.endpoint.request('LIST', [num(since)], [option('LIMIT', String(limit))], {
    onTmp: (response) => {
      if (problem !== undefined) return;
      try {
        readEntries(response, entries);
        if (entries.length > limit) problem = malformed(`LIST: more than ${limit} entries`);
      } catch (error) {
        problem = error as Mt2Error;
      }
      // Nothing more is kept once the answer is known to be bad.
      if (problem !== undefined) entries.length = 0;
    },
  });
  const response = okOrThrow(await sent.final);
  if (problem !== undefined) throw problem;
  const cursor = countOf(response, 'CURSOR');
  if (countOf(response, 'COUNT') !== entries.length) {
    throw malformed(`LIST: COUNT says ${countOf(response, 'COUNT')}, ${entries.length} came`);
  }
  const more = response.groups.find((g) => g.kind === 'option' && g.name === 'MORE');
  if (more?.kind === 'option' && more.values.length > 0) throw malformed('LIST: (MORE) has values');
  const listing = { entries, cursor, more: more !== undefined };
  const wrong = listingProblem(listing, since, limit);
  if (wrong !== undefined) throw malformed(`LIST: ${wrong}`);
  return listing;
}

/**
 * `PULL msg-id... part` (docs/protocol.md section 8.4), in as many requests as the ids
 * need, one after another. Resolves with each id's outcome once every request's final
 * OK arrived and its counts agree with what this side saw.
 * @throws Mt2Error ABORTED (options.signal), BAD_PARAMETERS, REFUSED, MALFORMED_RESPONSE
 */
export async function pull(
  context: ClientContext,
  part: MailboxPart,
  msgIds: readonly string[],
  options: PullOptions = {},
): Promise<PullResult> {
  requireState(context, 'PULL', 'authenticated');
  if (!PART_TYPES.includes(part)) throw new Mt2Error('BAD_PARAMETERS', `no part type ${part}`);
  checkIds(msgIds);
  const perRequest = options.idsPerRequest ?? DEFAULT_IDS_PER_REQUEST;
  checkCount(perRequest, 'idsPerRequest', 1);
  const outcomes = new Map<string, PullOutcome>();
  for (const batch of batches(context, msgIds, perRequest, part.length + 1)) {
    if (options.signal?.aborted === true) throw new Mt2Error('ABORTED', 'PULL aborted');
    const waiting = await pullBatch(context, part, batch, options);
    for (const id of waiting.delivered) outcomes.set(id, 'delivered');
    for (const id of waiting.refused) outcomes.set(id, 'refused');
    for (const id of waiting.wanted) outcomes.set(id, 'unknown');
  }
  if (options.signal?.aborted === true) throw new Mt2Error('ABORTED', 'PULL aborted');
  const tally = (outcome: PullOutcome) =>
    [...outcomes.values()].filter((o) => o === outcome).length;
  return {
    outcomes,
    delivered: tally('delivered'),
    refused: tally('refused'),
    unknown: tally('unknown'),
  };
}

async function pullBatch(
  context: ClientContext,
  part: MailboxPart,
  batch: readonly string[],
  options: PullOptions,
): Promise<PullWaiting> {
  const { endpoint, pulls } = context;
  const waiting: PullWaiting = {
    part,
    wanted: new Set(batch),
    delivered: new Set(),
    refused: new Set(),
    onPart: options.onPart ?? (() => undefined),
    accept: options.accept ?? (() => true),
  };
  const sent = endpoint.request('PULL', [...batch.map(atom), atom(part)]);
  pulls.register(sent.tag, waiting);
  const stop = () => {
    abor(context, sent.tag).catch(() => undefined);
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  let response: Mt2Response;
  try {
    response = await sent.final;
  } finally {
    pulls.unregister(sent.tag);
    options.signal?.removeEventListener('abort', stop);
  }
  if (response.code === MAILBOX_RESULT.TRANSFER_ABORTED) {
    throw new Mt2Error('ABORTED', response.text, response.code);
  }
  okOrThrow(response);
  const expected = {
    DELIVERED: waiting.delivered.size,
    REFUSED: waiting.refused.size,
    UNKNOWN: waiting.wanted.size,
  };
  for (const [name, seen] of Object.entries(expected)) {
    const said = countOf(response, name);
    if (said !== seen) throw malformed(`PULL: ${name}=${said}, but ${seen} seen here`);
  }
  return waiting;
}

/** At least one flag to change, each known and named once. */
function checkFlags(add: readonly MailboxFlag[], remove: readonly MailboxFlag[]): void {
  const all: readonly string[] = [...add, ...remove];
  if (all.length === 0) throw new Mt2Error('BAD_PARAMETERS', 'FLAG needs a flag to change');
  const bad = all.find((name) => !isMailboxFlag(name));
  if (bad !== undefined) throw new Mt2Error('BAD_PARAMETERS', `no flag ${bad}`);
  if (new Set(all).size !== all.length) throw new Mt2Error('BAD_PARAMETERS', 'a flag named twice');
}

/**
 * `FLAG msg-id +flag... -flag...` (docs/protocol.md section 8.4); resolves with the
 * message's new entry (flags and modseq) as the server sent it.
 * @throws Mt2Error BAD_PARAMETERS, REFUSED (120.0.5.27: unknown message), MALFORMED_RESPONSE
 */
export async function flag(
  context: ClientContext,
  msgId: string,
  add: readonly MailboxFlag[],
  remove: readonly MailboxFlag[],
): Promise<MailboxEntry> {
  requireState(context, 'FLAG', 'authenticated');
  checkIds([msgId]);
  checkFlags(add, remove);
  const params = [
    atom(msgId),
    ...add.map((name) => atom(`+${name}`)),
    ...remove.map((name) => atom(`-${name}`)),
  ];
  const response = okOrThrow(await context.endpoint.request('FLAG', params).final);
  const [group, ...extra] = response.groups;
  const entry = group?.kind === 'option' && extra.length === 0 ? parseEntry(group) : 'no entry';
  if (typeof entry === 'string') throw malformed(`FLAG: ${entry}`);
  if (entry.msgId !== msgId || entry.expunged) throw malformed(`FLAG: entry of ${entry.msgId}`);
  return entry;
}

/**
 * `DELE msg-id...` (docs/protocol.md section 8.4), in as many requests as the ids need:
 * marks deleted and expunges; resolves with how many were expunged (unknown ids are not).
 * @throws Mt2Error BAD_PARAMETERS, REFUSED, MALFORMED_RESPONSE
 */
export async function dele(context: ClientContext, msgIds: readonly string[]): Promise<number> {
  requireState(context, 'DELE', 'authenticated');
  checkIds(msgIds);
  let expunged = 0;
  for (const batch of batches(context, msgIds, DEFAULT_IDS_PER_REQUEST, 0)) {
    const response = okOrThrow(await context.endpoint.request('DELE', batch.map(atom)).final);
    const count = countOf(response, 'EXPUNGED');
    if (count > batch.length) throw malformed(`DELE: EXPUNGED=${count} of ${batch.length}`);
    expunged += count;
  }
  return expunged;
}
