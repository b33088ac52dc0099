import { option, type Mt2Option, type Mt2Request } from '../codec/frames.ts';
import { isUint } from '../codec/tokens.ts';
import { Mt2Error } from '../errors.ts';
import type { Endpoint } from '../session/endpoint.ts';
import type { ExtensionContext, TransferExtension } from '../session/extension.ts';
import { PART_TYPES } from '../session/transfer-receiver.ts';
import {
  entryProblem,
  formatEntry,
  groupLength,
  isMailboxFlag,
  listingProblem,
} from './mailbox-entry.ts';
import { PullSender } from './mailbox-pull.ts';
import {
  MAILBOX_EXTENSION_NAME,
  MAILBOX_NAMESPACE,
  MAILBOX_RESULT,
  type MailboxBackend,
  type MailboxEntry,
  type MailboxExtensionOptions,
  type MailboxFlag,
  type MailboxPart,
} from './mailbox-types.ts';

export * from './mailbox-types.ts';

/** Default most entries per LIST. */
export const MAX_LIST_ENTRIES = 5000;
/** Default most msg-ids per PULL or DELE. */
export const MAX_PULL_IDS = 1000;

const PART_NAMES: readonly string[] = PART_TYPES;
const FLAG_CHANGE = /^([+-])(.+)$/;

/** A verb's parameters as read, or the refusal to send. */
type Parsed<T> = T | Refusal;

interface Refusal {
  readonly refuse: string;
  readonly text: string;
}

function refusal(text: string, code: string = MAILBOX_RESULT.BAD_PARAMETERS): Refusal {
  return { refuse: code, text };
}

function positiveOption(value: number | undefined, name: string): number {
  const resolved = value ?? 0;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new Mt2Error('INVALID_LIMIT', `${name} must be a positive integer, got ${value}`);
  }
  return resolved;
}

/** `LIST {since} [(LIMIT=n)]`. */
function parseList(
  request: Mt2Request,
  maxEntries: number,
): Parsed<{ since: number; limit: number }> {
  const [since, ...extra] = request.params;
  const usage = 'LIST {since} (LIMIT=n)';
  if (since?.kind !== 'number' || extra.length > 0) return refusal(usage);
  let limit = maxEntries;
  for (const group of request.options) {
    const [value, ...more] = group.values;
    if (group.name !== 'LIMIT' || value === undefined || more.length > 0 || !isUint(value)) {
      return refusal(usage);
    }
    if (Number(value) === 0 || request.options.length > 1) return refusal(usage);
    // A larger page than the server's is cut to it; MORE then says to ask again.
    limit = Math.min(Number(value), maxEntries);
  }
  return { since: since.value, limit };
}

/** Distinct atom msg-ids, at most `maxIds`. */
function parseIds(params: Mt2Request['params'], maxIds: number): Parsed<{ ids: string[] }> {
  if (params.length > maxIds) {
    return refusal(`At most ${maxIds} msg-ids per request.`, MAILBOX_RESULT.TOO_MANY_IDS);
  }
  const ids: string[] = [];
  for (const param of params) {
    if (param.kind !== 'atom') return refusal('msg-ids are atoms');
    ids.push(param.value);
  }
  if (ids.length === 0) return refusal('at least one msg-id');
  if (new Set(ids).size !== ids.length) return refusal('a msg-id twice');
  return { ids };
}

/** `PULL msg-id... part`. */
function parsePull(
  request: Mt2Request,
  maxIds: number,
): Parsed<{ ids: string[]; part: MailboxPart }> {
  const last = request.params[request.params.length - 1];
  const partIndex = last?.kind === 'atom' ? PART_NAMES.indexOf(last.value) : -1;
  const part = PART_TYPES[partIndex];
  if (part === undefined || request.options.length > 0) {
    return refusal('PULL msg-id... message/envelope|message/headers|message/body');
  }
  const parsed = parseIds(request.params.slice(0, -1), maxIds);
  return 'refuse' in parsed ? parsed : { ids: parsed.ids, part };
}

/** `FLAG msg-id +flag... -flag...`. */
function parseFlag(
  request: Mt2Request,
): Parsed<{ msgId: string; add: MailboxFlag[]; remove: MailboxFlag[] }> {
  const [id, ...changes] = request.params;
  const usage = 'FLAG msg-id +flag... -flag... (seen, flagged, deleted, answered)';
  if (id?.kind !== 'atom' || changes.length === 0 || request.options.length > 0) {
    return refusal(usage);
  }
  const add: MailboxFlag[] = [];
  const remove: MailboxFlag[] = [];
  for (const change of changes) {
    const match = change.kind === 'atom' ? FLAG_CHANGE.exec(change.value) : null;
    const name = match?.[2];
    if (name === undefined || !isMailboxFlag(name)) return refusal(usage);
    if (add.includes(name) || remove.includes(name)) return refusal(`${name} named twice`);
    (match?.[1] === '+' ? add : remove).push(name);
  }
  return { msgId: id.value, add, remove };
}

/**
 * Calls the mailbox; a mailbox that throws is a transient failure for the peer
 * (`120.0.4.3`), answered here. Resolves with `failed` then.
 */
async function ask<T>(
  request: Mt2Request,
  endpoint: Endpoint,
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false }> {
  try {
    return { ok: true, value: await call() };
  } catch {
    endpoint.reply(request.tag, MAILBOX_RESULT.STORAGE_UNAVAILABLE);
    return { ok: false };
  }
}

/**
 * Sends a listing as TMP lines of entries, each line filled up to the line limit, so a
 * page of thousands of entries costs one round trip. Every entry is checked to fit
 * before the first line goes out.
 * @returns false when an entry cannot fit any line (nothing was sent)
 */
function sendEntries(endpoint: Endpoint, tag: number, entries: readonly MailboxEntry[]): boolean {
  const budget = Math.min(endpoint.limits.maxLineBytes, endpoint.peerLimits.maxLineBytes);
  // `[tag TMP code` ... `]` CRLF
  const frame = String(tag).length + ' TMP '.length + MAILBOX_RESULT.ENTRIES.length + 4;
  const groups = entries.map(formatEntry);
  if (groups.some((group) => frame + groupLength(group) > budget)) return false;
  let line: Mt2Option[] = [];
  let length = frame;
  const flush = () => {
    if (line.length > 0) endpoint.reply(tag, MAILBOX_RESULT.ENTRIES, '', line);
    line = [];
    length = frame;
  };
  for (const group of groups) {
    if (length + groupLength(group) > budget) flush();
    line.push(group);
    length += groupLength(group);
  }
  flush();
  return true;
}

/**
 * Mailbox access (docs/protocol.md section 8.4), the server half: LIST, PULL, FLAG and
 * DELE over `backend`, offered only to authenticated user sessions (the HELO verdict's
 * `kind: 'user'`). One instance may serve many sessions.
 * @throws Mt2Error INVALID_LIMIT for an option that is not a positive integer
 */
export function mailboxExtension(
  backend: MailboxBackend,
  options: MailboxExtensionOptions = {},
): TransferExtension {
  const maxEntries = positiveOption(options.maxListEntries ?? MAX_LIST_ENTRIES, 'maxListEntries');
  const maxIds = positiveOption(options.maxPullIds ?? MAX_PULL_IDS, 'maxPullIds');
  const senders = new WeakMap<Endpoint, PullSender>();
  const senderFor = (endpoint: Endpoint): PullSender => {
    const existing = senders.get(endpoint);
    if (existing !== undefined) return existing;
    const created = new PullSender(endpoint);
    senders.set(endpoint, created);
    return created;
  };
  const failure = (endpoint: Endpoint, tag: number, what: string) => {
    endpoint.reply(tag, MAILBOX_RESULT.PEER_FAILURE, `The mailbox gave ${what}.`);
  };

  return {
    name: MAILBOX_EXTENSION_NAME,
    namespace: MAILBOX_NAMESPACE,
    offeredTo: (peer) => peer.authenticated && peer.kind === 'user',
    abort: (tag, { endpoint }: ExtensionContext) => senders.get(endpoint)?.abort(tag) ?? false,
    verbs: {
      async LIST(request, { endpoint, peer }) {
        const parsed = parseList(request, maxEntries);
        if ('refuse' in parsed) {
          endpoint.reply(request.tag, parsed.refuse, parsed.text);
          return;
        }
        const { since, limit } = parsed;
        const answer = await ask(request, endpoint, () => backend.list(peer, since, limit));
        if (!answer.ok) return;
        const listing = answer.value;
        if (listingProblem(listing, since, limit) !== undefined) {
          failure(endpoint, request.tag, 'a bad listing');
          return;
        }
        if (!sendEntries(endpoint, request.tag, listing.entries)) {
          failure(endpoint, request.tag, 'an entry too long for a line');
          return;
        }
        const count = listing.entries.length;
        endpoint.reply(request.tag, MAILBOX_RESULT.OK, `Listed ${count}.`, [
          option('CURSOR', String(listing.cursor)),
          option('COUNT', String(count)),
          ...(listing.more ? [option('MORE')] : []),
        ]);
      },

      PULL(request, { endpoint, peer }) {
        const parsed = parsePull(request, maxIds);
        if ('refuse' in parsed) {
          endpoint.reply(request.tag, parsed.refuse, parsed.text);
          return;
        }
        const { ids, part } = parsed;
        senderFor(endpoint).start(request.tag, part, ids, (id) => backend.readPart(peer, id, part));
      },

      async FLAG(request, { endpoint, peer }) {
        const parsed = parseFlag(request);
        if ('refuse' in parsed) {
          endpoint.reply(request.tag, parsed.refuse, parsed.text);
          return;
        }
        const { msgId, add, remove } = parsed;
        const answer = await ask(request, endpoint, () =>
          backend.setFlags(peer, msgId, add, remove),
        );
        if (!answer.ok) return;
        const entry = answer.value;
        if (entry === undefined) {
          endpoint.reply(request.tag, MAILBOX_RESULT.UNKNOWN_MESSAGE, `No message ${msgId}.`);
          return;
        }
        if (entry.msgId !== msgId || entry.expunged || entryProblem(entry) !== undefined) {
          failure(endpoint, request.tag, 'a bad entry');
          return;
        }
        endpoint.reply(request.tag, MAILBOX_RESULT.OK, 'Flags set.', [formatEntry(entry)]);
      },

      async DELE(request, { endpoint, peer }) {
        const parsed =
          request.options.length > 0 ? refusal('DELE msg-id...') : parseIds(request.params, maxIds);
        if ('refuse' in parsed) {
          endpoint.reply(request.tag, parsed.refuse, parsed.text);
          return;
        }
        const { ids } = parsed;
        const answer = await ask(request, endpoint, () => backend.expunge(peer, ids));
        if (!answer.ok) return;
        const expunged = answer.value;
        if (!Number.isSafeInteger(expunged) || expunged < 0 || expunged > ids.length) {
          failure(endpoint, request.tag, 'a bad count');
          return;
        }
        endpoint.reply(request.tag, MAILBOX_RESULT.OK, `Expunged ${expunged}.`, [
          option('EXPUNGED', String(expunged)),
        ]);
      },
    },
  };
}
