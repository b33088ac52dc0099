import { atom } from '../codec/frames.ts';
import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow, requireState } from '../session/client-context.ts';

/** STAT's answer (docs/protocol.md section 8.2). */
export interface StatResult {
  readonly state: string;
  readonly parts: readonly string[];
  readonly text: string;
}

/**
 * `[n STAT msg-id]`, the message-status extension.
 * @throws Mt2Error REFUSED with 111.0.5.27 for an unknown message, 99.0.5.3 when the
 *   server does not offer STAT.
 */
export async function stat(context: ClientContext, msgId: string): Promise<StatResult> {
  requireState(context, 'STAT', 'authenticated');
  const response = okOrThrow(await context.endpoint.request('STAT', [atom(msgId)]).final);
  const values = (name: string) =>
    response.groups.find((group) => group.kind === 'option' && group.name === name);
  const state = values('STATE');
  const parts = values('PARTS');
  return {
    state: state?.kind === 'option' ? (state.values[0] ?? '') : '',
    parts: parts?.kind === 'option' ? parts.values : [],
    text: response.text,
  };
}
