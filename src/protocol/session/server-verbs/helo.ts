import type { Mt2Option, Mt2Request } from '../../codec/frames.ts';
import { RESULT } from '../../result-codes.ts';
import { isOffered } from '../extension.ts';
import type { HeloVerdict, ServerContext, ServerVerbSpec } from './context.ts';
import { sameBytes, splitDerChain } from './der.internal.ts';

function number(request: Mt2Request, index: number): number | undefined {
  const param = request.params[index];
  return param?.kind === 'number' ? param.value : undefined;
}

/** `HELO {n}` and its certificate data (docs/protocol.md section 6.2). */
export const HELO: ServerVerbSpec = {
  states: ['anonymous'],
  handle(request, context) {
    const { endpoint } = context;
    const size = number(request, 0);
    if (size === undefined || size === 0 || request.params.length !== 1) {
      endpoint.reply(request.tag, RESULT.BAD_PARAMETERS, 'HELO {certificate-size}');
      return;
    }
    if (size > endpoint.limits.maxCertificateBytes) {
      endpoint.reply(request.tag, RESULT.PART_TOO_LARGE, 'certificate data too large');
      return;
    }
    const data = new Uint8Array(size);
    let received = 0;
    endpoint.moveTo('identifying');
    endpoint.acceptData(request.tag, {
      onChunk: async (chunk) => {
        if (received + chunk.length > size) {
          endpoint.stopData(request.tag);
          endpoint.moveTo('anonymous');
          endpoint.reply(request.tag, RESULT.SIZE_MISMATCH);
          return;
        }
        data.set(chunk, received);
        received += chunk.length;
        if (received < size) return;
        endpoint.stopData(request.tag);
        await finishHelo(request.tag, data, context);
      },
    });
    endpoint.reply(request.tag, RESULT.SEND_CERTIFICATE);
  },
};

async function finishHelo(tag: number, data: Uint8Array, context: ServerContext): Promise<void> {
  const { endpoint } = context;
  const refuse = (code: string, text?: string) => {
    endpoint.moveTo('anonymous');
    endpoint.reply(tag, code, text);
  };
  const chain = splitDerChain(data);
  const certificate = chain?.[0];
  if (chain === undefined || certificate === undefined) {
    refuse(RESULT.CERTIFICATE_MALFORMED);
    return;
  }
  const tls = context.tlsCertificate;
  if (context.requireTlsCertificate && (tls === null || !sameBytes(tls, certificate))) {
    refuse(RESULT.CERTIFICATE_MISMATCH);
    return;
  }
  let verdict: HeloVerdict;
  try {
    verdict = await context.onHelo({ chain, certificate });
  } catch {
    refuse(RESULT.PEER_FAILURE, 'certificate check failed');
    return;
  }
  if (!verdict.accept) {
    refuse(verdict.code, verdict.text);
    return;
  }
  context.peer = {
    authenticated: true,
    trusted: verdict.trusted,
    identity: verdict.identity,
    ...(verdict.kind === undefined ? {} : { kind: verdict.kind }),
  };
  endpoint.moveTo('authenticated');
  const offered: Mt2Option[] = [...context.extensions.values()]
    .filter((extension) => isOffered(extension, context.peer))
    .map((extension) => ({
      kind: 'option',
      name: extension.name,
      values: [...(extension.capabilities ?? [])],
    }));
  endpoint.reply(tag, RESULT.HELO_ACCEPTED, undefined, offered);
}
