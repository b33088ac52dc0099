import { RESULT, inNamespace } from '../result-codes.ts';
import type { TransferExtension } from '../session/extension.ts';

/** The STAT extension's result-code namespace. */
export const STAT_NAMESPACE = '111';

/** What the server's store knows of a message. */
export interface MessageStatus {
  /** E.g. `committed`, `partial`, `queued` (an atom-safe word). */
  readonly state: string;
  /** The parts stored, by type. */
  readonly parts: readonly string[];
}

/** Looks a message up in the server's store; undefined when unknown. */
export type MessageStatusLookup = (
  msgId: string,
) => MessageStatus | undefined | Promise<MessageStatus | undefined>;

/**
 * STAT (docs/protocol.md section 8.2), the message-status transfer extension of the
 * slides: `[n STAT msg-id]` answered by `[n OK 111.0.2.0 (STATE=s) (PARTS=p;...)]`,
 * or `ERR 111.0.5.27` for an unknown message. Adds a verb and takes no OPT.
 */
export function statExtension(lookup: MessageStatusLookup): TransferExtension {
  const code = (core: string) => inNamespace(STAT_NAMESPACE, core);
  return {
    name: 'STAT',
    namespace: STAT_NAMESPACE,
    verbs: {
      async STAT(request, { endpoint }) {
        const [id, ...extra] = request.params;
        if (id?.kind !== 'atom' || extra.length > 0) {
          endpoint.reply(request.tag, code(RESULT.BAD_PARAMETERS), 'STAT msg-id');
          return;
        }
        const status = await lookup(id.value);
        if (status === undefined) {
          endpoint.reply(request.tag, code(RESULT.UNKNOWN_MESSAGE));
          return;
        }
        endpoint.reply(request.tag, code(RESULT.OK), `Message ${status.state}.`, [
          { kind: 'option', name: 'STATE', values: [status.state] },
          ...(status.parts.length > 0
            ? [{ kind: 'option' as const, name: 'PARTS', values: status.parts }]
            : []),
        ]);
      },
    },
  };
}
