import { RESULT, type ClientSession, type MessageParts } from '../../protocol/index.ts';
import { classifyFailure, type DeliveryFailure } from './delivery-failure.ts';

/** What became of one message sent on a host session. */
export type TransferOutcome =
  | {
      readonly delivered: true;
      /** The peer already had it (a retried transfer): committed on the envelope. */
      readonly duplicate: boolean;
    }
  | { readonly delivered: false; readonly failure: DeliveryFailure };

/**
 * Sends one message part by part (envelope, headers, body) and waits for each part's
 * acknowledgement, so that a peer that commits early is understood: an OK "committed"
 * on the envelope of a message that has headers and body means the peer already holds
 * that msg-id (docs/mt2d-storage.md, de-duplication), which counts as delivered.
 * A pipelined session overlaps several messages instead (the caller's concurrency).
 */
export async function transferOutgoing(
  session: ClientSession,
  msgId: string,
  parts: MessageParts,
): Promise<TransferOutcome> {
  const sequence = [
    ['message/envelope', parts.envelope],
    ['message/headers', parts.headers],
    ['message/body', parts.body],
  ] as const;
  try {
    for (const [index, [type, bytes]] of sequence.entries()) {
      if (bytes === undefined) continue;
      const result = await session.xfer(msgId, type, bytes);
      if (result.committed) {
        const rest = sequence.slice(index + 1).some(([, later]) => later !== undefined);
        return { delivered: true, duplicate: rest };
      }
    }
  } catch (error) {
    return { delivered: false, failure: classifyFailure(error) };
  }
  return {
    delivered: false,
    failure: {
      permanent: false,
      code: RESULT.PEER_FAILURE,
      text: 'the peer acknowledged the last part without committing the message',
    },
  };
}
