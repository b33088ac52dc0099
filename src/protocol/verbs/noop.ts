import type { ClientContext } from '../session/client-context.ts';
import { okOrThrow } from '../session/client-context.ts';

/** `[n NOOP]`: keep-alive; resolves with the OK's code. */
export async function noop(context: ClientContext): Promise<string> {
  return okOrThrow(await context.endpoint.request('NOOP', []).final).code;
}
