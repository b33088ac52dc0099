import { atom } from '../codec/frames.ts';
import type { SenderContext } from '../session/client-context.ts';
import { okOrThrow } from '../session/client-context.ts';

/**
 * `[n ABOR=tag]`: kills this side's request `tag` (an XFER mid-part). Resolves with the
 * ABOR's OK; the killed request then fails with ABORTED (docs/protocol.md 6.5).
 * @throws Mt2Error REFUSED (99.0.5.15) when the peer has no such command in progress.
 */
export async function abor(context: SenderContext, tag: number): Promise<string> {
  const sent = context.endpoint.request('ABOR', [atom(String(tag))], [], { joined: true });
  return okOrThrow(await sent.final).code;
}
