import { atom, option, type Mt2Response } from '../codec/frames.ts';
import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';
import type { PullWaiting } from '../session/pull-receiver.ts';
import { PART_TYPES } from '../session/transfer-receiver.ts';
import { PACK_CAPABILITY, PACK_OPTION } from '../transfer-extensions/mailbox-pack.ts';
import {
  MAILBOX_EXTENSION_NAME,
  MAILBOX_RESULT,
  type MailboxPart,
  type PullOptions,
  type PullOutcome,
  type PullResult,
} from '../transfer-extensions/mailbox-types.ts';
import { abor } from './abor.ts';
import {
  DEFAULT_IDS_PER_REQUEST,
  batches,
  checkCount,
  checkIds,
  countOf,
  malformed,
} from './mailbox-common.ts';

/**
 * PULL requests one client keeps in flight when pipelined: while one request's last
 * answers travel, the next one's XFERs already flow (the server runs up to 4).
 */
const PIPELINED_REQUESTS = 2;

/**
 * `PULL msg-id... part` (docs/protocol.md section 8.4), in as many requests as the ids
 * need: one after another when synchronous, two at a time when pipelined. Resolves with
 * each id's outcome, in the order asked, once every request's final OK arrived and its
 * counts agree with what this side saw.
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
  const packBytes = packing(context, options);
  const packGroup = packBytes === undefined ? '' : ` (${PACK_OPTION}=${packBytes})`;
  const requests = batches(context, msgIds, perRequest, part.length + 1 + packGroup.length);
  const answered: PullWaiting[] = [];
  let next = 0;
  let failed = false;
  // Each worker takes the next request when its own is answered; after a failure none does.
  const worker = async () => {
    for (let at = next++; at < requests.length && !failed; at = next++) {
      if (options.signal?.aborted === true) throw new Mt2Error('ABORTED', 'PULL aborted');
      answered[at] = await pullBatch(context, part, requests[at] ?? [], options, packBytes);
    }
  };
  const parallel = context.endpoint.mode === 'pipelined' ? PIPELINED_REQUESTS : 1;
  const workers = Array.from({ length: Math.min(parallel, requests.length) }, worker);
  try {
    await Promise.all(workers);
  } catch (error) {
    failed = true;
    await Promise.allSettled(workers);
    throw error;
  }
  if (options.signal?.aborted === true) throw new Mt2Error('ABORTED', 'PULL aborted');
  const outcomes = new Map<string, PullOutcome>();
  const tally: Record<PullOutcome, number> = { delivered: 0, refused: 0, unknown: 0 };
  requests.forEach((request, at) => {
    const waiting = answered[at];
    for (const id of request) {
      const outcome = waiting?.delivered.has(id)
        ? 'delivered'
        : waiting?.refused.has(id)
          ? 'refused'
          : 'unknown';
      // Each id once (checkIds), so each counts once.
      outcomes.set(id, outcome);
      tally[outcome]++;
    }
  });
  return { outcomes, ...tally };
}

/**
 * The pack size to ask for: the caller's, when the server said it packs (`(MBOX=PACK)`
 * in HELO's OK); else undefined, one XFER per part.
 * @throws Mt2Error BAD_PARAMETERS for a size that is not an integer from 1
 */
function packing(context: ClientContext, options: PullOptions): number | undefined {
  if (options.packBytes === undefined) return undefined;
  checkCount(options.packBytes, 'packBytes', 1);
  const mailbox = context.capabilities.get(MAILBOX_EXTENSION_NAME) ?? [];
  return mailbox.includes(PACK_CAPABILITY) ? options.packBytes : undefined;
}

async function pullBatch(
  context: ClientContext,
  part: MailboxPart,
  batch: readonly string[],
  options: PullOptions,
  packBytes: number | undefined,
): Promise<PullWaiting> {
  const { endpoint, pulls } = context;
  const waiting: PullWaiting = {
    part,
    wanted: new Set(batch),
    delivered: new Set(),
    refused: new Set(),
    onPart: options.onPart ?? (() => undefined),
    accept: options.accept ?? (() => true),
    ...(packBytes === undefined ? {} : { packBytes }),
  };
  const packGroup = packBytes === undefined ? [] : [option(PACK_OPTION, String(packBytes))];
  const sent = endpoint.request('PULL', [...batch.map(atom), atom(part)], packGroup);
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
