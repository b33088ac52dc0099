import { atom } from '../codec/frames.ts';
import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';
import {
  DEFAULT_IDS_PER_REQUEST,
  batches,
  checkIds,
  countOf,
  malformed,
} from './mailbox-common.ts';

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
