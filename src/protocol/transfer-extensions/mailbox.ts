import { option, type Mt2Request } from '../codec/frames.ts';
import { Mt2Error } from '../errors.ts';
import type { Endpoint } from '../session/endpoint.ts';
import type { ExtensionContext, TransferExtension } from '../session/extension.ts';
import { entryProblem, entryText, formatEntry, listingProblem } from './mailbox-entry.ts';
import { parseDele, parseFlag, parseList, parsePull } from './mailbox-params.ts';
import { PACK_CAPABILITY } from './mailbox-pack.ts';
import { PullSender } from './mailbox-pull.ts';
import {
  MAILBOX_EXTENSION_NAME,
  MAILBOX_NAMESPACE,
  MAILBOX_RESULT,
  type MailboxBackend,
  type MailboxEntry,
  type MailboxExtensionOptions,
} from './mailbox-types.ts';

export * from './mailbox-types.ts';
export { DEFAULT_PACK_BYTES, MAX_PACK_BYTES } from './mailbox-pack.ts';

/** Default most entries per LIST. */
export const MAX_LIST_ENTRIES = 5000;
/** Default most msg-ids per PULL or DELE. */
export const MAX_PULL_IDS = 1000;

function positiveOption(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Mt2Error('INVALID_LIMIT', `${name} must be a positive integer, got ${value}`);
  }
  return value;
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
  // `[tag TMP code` ... `]` CRLF; each group adds a space and its text (ASCII: one octet a character).
  const frame = String(tag).length + ' TMP '.length + MAILBOX_RESULT.ENTRIES.length + 4;
  const texts = entries.map(entryText);
  if (texts.some((text) => frame + text.length + 1 > budget)) return false;
  // Each line: the texts from `first` up to the one that would take it over the budget.
  let first = 0;
  let length = frame;
  for (let at = 0; at < texts.length; at++) {
    const size = (texts[at] as string).length + 1;
    // Never true for a line's first text: each fits a line on its own (checked above).
    if (length + size > budget) {
      endpoint.replyWithGroupText(tag, MAILBOX_RESULT.ENTRIES, texts.slice(first, at).join(' '));
      first = at;
      length = frame;
    }
    length += size;
  }
  if (first < texts.length) {
    endpoint.replyWithGroupText(tag, MAILBOX_RESULT.ENTRIES, texts.slice(first).join(' '));
  }
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
    capabilities: [PACK_CAPABILITY],
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
        const { ids, part, packBytes } = parsed;
        const read = (id: string) => backend.readPart(peer, id, part);
        const pull = { tag: request.tag, part, msgIds: ids, ...(packBytes ? { packBytes } : {}) };
        if (!senderFor(endpoint).start(pull, read)) {
          endpoint.reply(request.tag, MAILBOX_RESULT.TOO_MANY_IN_FLIGHT, 'Too many PULLs now.');
        }
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
        const parsed = parseDele(request, maxIds);
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
