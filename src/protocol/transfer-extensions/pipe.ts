import { RESULT, inNamespace } from '../result-codes.ts';
import type { TransferExtension } from '../session/extension.ts';

/** The PIPE extension's result-code namespace. */
export const PIPE_NAMESPACE = '110';

/**
 * PIPE (docs/protocol.md section 8.1): `OPT (PIPE=ON)` switches both sides to
 * pipelined transfers, `OPT (PIPE=OFF)` back. Offered only to trusted peers. A client
 * switches only with no transfer in flight.
 */
export function pipeExtension(): TransferExtension {
  const code = (core: string) => inNamespace(PIPE_NAMESPACE, core);
  return {
    name: 'PIPE',
    namespace: PIPE_NAMESPACE,
    offeredTo: (peer) => peer.authenticated && peer.trusted,
    onOpt(values, { endpoint }) {
      const [value, ...extra] = values;
      if ((value !== 'ON' && value !== 'OFF') || extra.length > 0) {
        return { code: code(RESULT.BAD_PARAMETERS), text: 'PIPE=ON or PIPE=OFF.' };
      }
      endpoint.mode = value === 'ON' ? 'pipelined' : 'synchronous';
      return { code: code(RESULT.OPT_ACCEPTED), text: `Pipelining ${value.toLowerCase()}.` };
    },
    onOptGranted(values, endpoint) {
      endpoint.mode = values[0] === 'ON' ? 'pipelined' : 'synchronous';
    },
  };
}
