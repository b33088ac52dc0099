// A receiving MT2 host for the relay tests, assembled from the real server-side stack:
// the protocol's ServerSession over its TLS transport, a real MessageStore on disk, and
// src/identity for the peer check and the trace entry. It accepts host sessions only,
// appends its own trace entry, de-duplicates by msg-id (a retried message is answered
// "committed" on its envelope) and files each message in `inbox:<recipient>`.
import {
  appendTrace,
  certificatesToPem,
  checkPeer,
  hostnamesOf,
  parseCertificate,
  privateKeyToPem,
  type Credentials,
  type IdentityValidator,
} from '../../src/identity/index.ts';
import { decodeEnvelope, encodeEnvelope, type Mt2Envelope } from '../../src/message/index.ts';
import {
  createMt2Server,
  Mt2Error,
  pipeExtension,
  RESULT,
  type FragmentInfo,
  type Mt2Server,
  type PartType,
  type ServerHooks,
} from '../../src/protocol/index.ts';
import { MessageStore } from '../../src/server/index.ts';

export interface HostReceiverOptions {
  readonly hostname: string;
  readonly credentials: Credentials;
  readonly validator: IdentityValidator;
  readonly storeDir: string;
  /** Port to listen on; default any free one. */
  readonly port?: number;
  /** A refusal for an envelope (answered on the envelope's data), or undefined to accept. */
  readonly refuse?: (envelope: Mt2Envelope) => { code: string; text: string } | undefined;
  /** Drops the connection when a message's body starts arriving (a peer dying mid-transfer). */
  readonly dieOnBody?: (msgId: string) => boolean;
}

export interface HostReceiver {
  readonly port: number;
  readonly store: MessageStore;
  /** TLS connections accepted so far. */
  readonly connections: () => number;
  /** Hosts that completed HELO, with the trust the receiver gave them. */
  readonly peers: { host: string; trusted: boolean }[];
  /** Stops listening and closes the store. */
  close(): Promise<void>;
}

const STORE_PARTS: Record<PartType, 'envelope' | 'headers' | 'body'> = {
  'message/envelope': 'envelope',
  'message/headers': 'headers',
  'message/body': 'body',
};

export async function startHostReceiver(options: HostReceiverOptions): Promise<HostReceiver> {
  const store = await MessageStore.open(options.storeDir);
  let connections = 0;
  const peers: { host: string; trusted: boolean }[] = [];
  let server: Mt2Server | undefined;
  const dropAll = async () => {
    const sessions = [...(server?.sessions ?? [])];
    await Promise.all(sessions.map((s) => s.close(new Mt2Error('SESSION_CLOSED', 'dying'))));
  };
  try {
    server = await createMt2Server(
      {
        identity: {
          key: privateKeyToPem(options.credentials.privateKey),
          cert: certificatesToPem([options.credentials.certificate, ...options.credentials.chain]),
        },
        hooksFor: () => {
          connections++;
          return receiverHooks(options, store, peers, dropAll);
        },
        extensionsFor: () => [pipeExtension()],
      },
      options.port ?? 0,
    );
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    port: server.port,
    store,
    connections: () => connections,
    peers,
    async close() {
      await server.close();
      await store.close();
    },
  };
}

function receiverHooks(
  options: HostReceiverOptions,
  store: MessageStore,
  peers: { host: string; trusted: boolean }[],
  dropAll: () => Promise<void>,
): ServerHooks {
  const received = new Map<string, Map<PartType, Uint8Array[]>>();
  let peerHost = '';
  const partsOf = (msgId: string) => {
    let parts = received.get(msgId);
    if (parts === undefined) received.set(msgId, (parts = new Map<PartType, Uint8Array[]>()));
    return parts;
  };
  const bytesOf = (msgId: string, part: PartType) =>
    Buffer.concat(received.get(msgId)?.get(part) ?? []);
  return {
    async onHelo({ chain, certificate }) {
      const host = hostnamesOf(parseCertificate(certificate))[0] ?? '';
      const verdict = await checkPeer(options.validator, {
        chainDer: chain,
        expected: { kind: 'host', hostname: host },
        role: 'client',
      });
      if (!verdict.valid) return { accept: false, code: RESULT.CERTIFICATE_UNTRUSTED };
      peerHost = host;
      peers.push({ host, trusted: verdict.trusted });
      return { accept: true, trusted: verdict.trusted, identity: host };
    },
    async onXfer(fragment: FragmentInfo) {
      if (fragment.part === 'message/body' && options.dieOnBody?.(fragment.msgId) === true) {
        await dropAll();
      }
      return { accept: true };
    },
    onPartData(fragment, data) {
      const parts = partsOf(fragment.msgId);
      parts.set(fragment.part, [...(parts.get(fragment.part) ?? []), data.slice()]);
    },
    async onPartComplete(fragment) {
      if (fragment.part === 'message/envelope' && fragment.pending === 0) {
        if (store.has(fragment.msgId)) return { accept: true, committed: true };
        const envelope = decodeEnvelope(bytesOf(fragment.msgId, fragment.part));
        if (envelope.trace.at(-1)?.host !== peerHost) {
          return { accept: false, code: RESULT.TRANSFER_REFUSED, text: 'trace must end with you' };
        }
        const refusal = options.refuse?.(envelope);
        if (refusal !== undefined) return { accept: false, ...refusal };
        if (envelope.control) {
          await commit(fragment.msgId);
          return { accept: true, committed: true };
        }
      }
      if (!fragment.lastOfMessage) return { accept: true };
      await commit(fragment.msgId);
      return { accept: true, committed: true };
    },
    onAbort(msgId) {
      received.delete(msgId);
    },
  };

  async function commit(msgId: string): Promise<void> {
    const envelope = decodeEnvelope(bytesOf(msgId, 'message/envelope'));
    const traced = appendTrace(envelope, options.credentials, options.hostname, new Date());
    const incoming = store.begin(msgId);
    for (const part of ['message/envelope', 'message/headers', 'message/body'] as const) {
      const bytes = part === 'message/envelope' ? encodeEnvelope(traced) : bytesOf(msgId, part);
      if (bytes.length > 0) await incoming.appendFragment(STORE_PARTS[part], bytes);
    }
    await incoming.commit(envelope.recipients.map((recipient) => `inbox:${recipient}`));
    received.delete(msgId);
  }
}
