import { Mt2Error } from '../errors.ts';
import type { ClientContext } from '../session/client-context.ts';

/** `[n QUIT]`: ends the session; resolves once the server answered and it is closed. */
export async function quit(context: ClientContext): Promise<void> {
  const { endpoint } = context;
  if (endpoint.isClosed()) return;
  endpoint.moveTo('closing');
  const sent = endpoint.request('QUIT', []);
  try {
    await sent.final;
  } finally {
    await endpoint.close(new Mt2Error('SESSION_CLOSED', 'QUIT'));
  }
}
