import { num, option, type Mt2Response } from '../codec/frames.ts';
import type { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';
import { listingOrderProblem, parseEntry } from '../transfer-extensions/mailbox-entry.ts';
import {
  MAILBOX_RESULT,
  type MailboxEntry,
  type MailboxListing,
} from '../transfer-extensions/mailbox-types.ts';
import { checkCount, countOf, malformed } from './mailbox-common.ts';

/** Entries asked per LIST when the caller names no limit (the server may cut it further). */
export const DEFAULT_LIST_LIMIT = 5000;

/** Reads the entries of one TMP line of LIST into `into`. */
function readEntries(response: Mt2Response, into: MailboxEntry[]): void {
  if (response.code !== MAILBOX_RESULT.ENTRIES) {
    throw malformed(`LIST: intermediate ${response.code}, expected ${MAILBOX_RESULT.ENTRIES}`);
  }
  for (const group of response.groups) {
    const entry = group.kind === 'option' ? parseEntry(group) : `result group in LIST`;
    if (typeof entry === 'string') throw malformed(`LIST: ${entry}`);
    // An indexed store: a push into a new, empty array deoptimized this path
    // (bench/README.md, "Where a first sync's time goes").
    into[into.length] = entry;
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
  // Each entry was checked as it was parsed.
  const wrong = listingOrderProblem(listing, since, limit);
  if (wrong !== undefined) throw malformed(`LIST: ${wrong}`);
  return listing;
}
