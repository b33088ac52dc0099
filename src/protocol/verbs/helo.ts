import { num } from '../codec/frames.ts';
import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';
import { sendData } from './send-data.ts';

/** What HELO's OK said. */
export interface HeloResult {
  readonly code: string;
  readonly text: string;
  /** Extensions offered to this identity (`(PIPE) (STAT)`). */
  readonly offered: readonly string[];
  /** What each offered extension said it can do beyond its base (`(MBOX=PACK)`). */
  readonly capabilities: ReadonlyMap<string, readonly string[]>;
}

/**
 * `HELO {n}` then, after TMP, the certificate chain (DER, own certificate first) as
 * data chunks (docs/protocol.md section 6.2). Allowed once the greeting arrived.
 * @throws Mt2Error REFUSED with the server's code (e.g. 99.0.5.16) on ERR.
 */
export async function helo(context: ClientContext, chain: Uint8Array): Promise<HeloResult> {
  requireState(context, 'HELO', 'anonymous');
  if (chain.length === 0) throw new Mt2Error('BAD_PARAMETERS', 'empty certificate chain');
  const { endpoint } = context;
  endpoint.moveTo('identifying');
  let sending: Promise<void> = Promise.resolve();
  const sent = endpoint.request('HELO', [num(chain.length)], [], {
    onTmp: () => {
      sending = sendData(endpoint, sent.tag, chain, {});
    },
  });
  try {
    const response = okOrThrow(await sent.final);
    await sending;
    context.offered = response.groups.map((group) => group.name);
    context.capabilities = new Map(
      response.groups.map((group) => [group.name, group.kind === 'option' ? group.values : []]),
    );
    endpoint.moveTo('authenticated');
    const { offered, capabilities } = context;
    return { code: response.code, text: response.text, offered, capabilities };
  } catch (error) {
    if (!endpoint.isClosed()) endpoint.moveTo('anonymous');
    throw error;
  }
}
