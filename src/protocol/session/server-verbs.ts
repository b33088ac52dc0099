import type { Mt2ExtensionResult, Mt2Option, Mt2Request } from '../codec/frames.ts';
import { Mt2Error } from '../errors.ts';
import { RESULT, inNamespace, resultClass } from '../result-codes.ts';
import { sameBytes, splitDerChain } from './der.internal.ts';
import type { Endpoint } from './endpoint.ts';
import { isOffered, type PeerInfo, type TransferExtension } from './extension.ts';
import type { SessionState } from './states.ts';
import type { TransferReceiver } from './transfer-receiver.ts';

/** The core verbs of MT2 (docs/protocol.md section 6). */
export const CORE_VERBS = ['HELO', 'OPT', 'XFER', 'ABOR', 'NOOP', 'QUIT'] as const;

/** A core verb. */
export type CoreVerb = (typeof CORE_VERBS)[number];

/** What HELO gives the server's hook: the chain and the certificate it starts with. */
export interface HeloRequest {
  /** HELO's data: DER certificates back to back, the peer's own first. */
  readonly chain: readonly Uint8Array[];
  /** The first certificate of the chain (already checked equal to the TLS one). */
  readonly certificate: Uint8Array;
}

/** The HELO hook's answer: validation is the caller's (src/identity), handed in. */
export type HeloVerdict =
  | { readonly accept: true; readonly trusted: boolean; readonly identity?: string }
  | { readonly accept: false; readonly code: string; readonly text?: string };

/** What a server verb handler works with. */
export interface ServerContext {
  readonly endpoint: Endpoint;
  readonly receiver: TransferReceiver;
  readonly extensions: ReadonlyMap<string, TransferExtension>;
  /** The TLS client certificate (DER), or null on a plaintext connection. */
  readonly tlsCertificate: Uint8Array | null;
  /** False only where both ends are configured for plaintext (tests, a benchmark row). */
  readonly requireTlsCertificate: boolean;
  onHelo(request: HeloRequest): HeloVerdict | Promise<HeloVerdict>;
  peer: PeerInfo;
}

/** One verb's handler: it answers the request. */
export interface ServerVerbSpec {
  /** States in which the verb is allowed; elsewhere it gets 99.0.5.5. */
  readonly states: readonly SessionState[];
  handle(request: Mt2Request, context: ServerContext): void | Promise<void>;
}

const ANY_OPEN: readonly SessionState[] = ['anonymous', 'identifying', 'authenticated'];

function number(request: Mt2Request, index: number): number | undefined {
  const param = request.params[index];
  return param?.kind === 'number' ? param.value : undefined;
}

const HELO: ServerVerbSpec = {
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
  context.peer = { authenticated: true, trusted: verdict.trusted, identity: verdict.identity };
  endpoint.moveTo('authenticated');
  const offered: Mt2Option[] = [...context.extensions.values()]
    .filter((extension) => isOffered(extension, context.peer))
    .map((extension) => ({ kind: 'option', name: extension.name, values: [] }));
  endpoint.reply(tag, RESULT.HELO_ACCEPTED, undefined, offered);
}

const OPT: ServerVerbSpec = {
  states: ['anonymous', 'authenticated'],
  async handle(request, context) {
    const { endpoint } = context;
    if (request.params.length > 0 || request.options.length === 0) {
      endpoint.reply(request.tag, RESULT.BAD_PARAMETERS, 'OPT (NAME=values) ...');
      return;
    }
    const results: Mt2ExtensionResult[] = [];
    for (const option of request.options) {
      results.push(await answerOption(option, context));
    }
    const allOk = results.every((result) => result.status === 'OK');
    endpoint.reply(request.tag, allOk ? RESULT.OPT_ACCEPTED : RESULT.FAILED, undefined, results);
  },
};

async function answerOption(
  option: Mt2Option,
  context: ServerContext,
): Promise<Mt2ExtensionResult> {
  const extension = context.extensions.get(option.name.toUpperCase());
  const result = (code: string, text: string): Mt2ExtensionResult => ({
    kind: 'result',
    name: option.name,
    status: resultClass(code) === 2 ? 'OK' : 'ERR',
    code,
    text,
  });
  if (extension === undefined) return result(RESULT.UNKNOWN_EXTENSION, 'Unknown.');
  const refused = inNamespace(extension.namespace, RESULT.EXTENSION_REFUSED);
  if (!isOffered(extension, context.peer) || extension.onOpt === undefined) {
    return result(refused, 'Not offered.');
  }
  try {
    const outcome = await extension.onOpt(option.values, context);
    const cls = resultClass(outcome.code);
    if (cls === 3) return result(refused, 'Bad outcome.');
    return result(outcome.code, outcome.text ?? '');
  } catch {
    return result(inNamespace(extension.namespace, RESULT.PEER_FAILURE), 'Failed.');
  }
}

const XFER: ServerVerbSpec = {
  states: ['authenticated'],
  handle: (request, context) => context.receiver.onXfer(request),
};

const ABOR: ServerVerbSpec = {
  states: ANY_OPEN,
  async handle(request, context) {
    const { endpoint } = context;
    const [target] = request.params;
    const tag =
      target?.kind === 'number'
        ? target.value
        : target !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(target.value)
          ? Number(target.value)
          : undefined;
    if (tag === undefined || request.params.length !== 1) {
      endpoint.reply(request.tag, RESULT.BAD_PARAMETERS, 'ABOR tag');
      return;
    }
    if (!context.receiver.hasActive(tag)) {
      endpoint.reply(request.tag, RESULT.NO_SUCH_COMMAND);
      return;
    }
    // The slides answer the ABOR first, then the killed command.
    endpoint.reply(request.tag, RESULT.ABORTED_COMMAND, `Command number ${tag} killed.`);
    await context.receiver.abort(tag);
  },
};

const NOOP: ServerVerbSpec = {
  states: ANY_OPEN,
  handle(request, context) {
    context.endpoint.reply(request.tag, RESULT.OK);
  },
};

const QUIT: ServerVerbSpec = {
  states: ANY_OPEN,
  async handle(request, context) {
    context.endpoint.moveTo('closing');
    context.endpoint.reply(request.tag, RESULT.GOODBYE);
    await context.endpoint.close(new Mt2Error('SESSION_CLOSED', 'QUIT'));
  },
};

/** The core verb handlers; `satisfies` makes a missing verb a compile error. */
export const SERVER_VERBS = {
  HELO,
  OPT,
  XFER,
  ABOR,
  NOOP,
  QUIT,
} as const satisfies Record<CoreVerb, ServerVerbSpec>;
