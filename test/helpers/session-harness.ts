// Drives sessions without a network: a scripted peer that writes raw lines into a
// ServerSession and reads its answers, and an in-memory pair of real sessions.
import {
  ClientSession,
  ServerSession,
  Mt2Decoder,
  encodeChunk,
  formatLine,
  pipeExtension,
  statExtension,
  type ClientSessionOptions,
  type Mt2Frame,
  type ServerSessionOptions,
  type TransferExtension,
} from '../../src/protocol/index.ts';
import { MemoryStore } from './memory-store.ts';

export const text = new TextEncoder();

/** A throwaway DER "certificate": a SEQUENCE of `n` octets of `fill`. */
export function fakeCertificate(fill: number, n = 40): Uint8Array {
  return Uint8Array.of(0x30, n, ...new Array<number>(n).fill(fill));
}

/** Collects what one side writes, decoded into frames. */
export class Wire {
  readonly frames: Mt2Frame[] = [];
  closed = false;
  private readonly decoder = new Mt2Decoder();
  /** Optional hook run after each write (e.g. to abort mid-part). */
  onSend: (() => void) | undefined;

  push(bytes: Uint8Array): void {
    this.frames.push(...this.decoder.push(bytes));
    this.onSend?.();
  }

  /** What was written so far: lines as text, chunks as `{tag n}`, bad input as `<CODE>`. */
  lines(): string[] {
    return this.frames.map((frame) => {
      if (frame.kind === 'chunk') return `{${frame.tag} ${frame.data.length}}`;
      if (frame.kind === 'invalid') return `<${frame.code}>`;
      return formatLine(frame);
    });
  }

  /** The result codes of the responses written so far, as `tag STATUS code`. */
  codes(): string[] {
    return this.frames.flatMap((frame) =>
      frame.kind === 'response' ? [`${frame.tag} ${frame.status} ${frame.code}`] : [],
    );
  }

  /** Forgets what was written so far. */
  clear(): void {
    this.frames.length = 0;
  }
}

/** A server session driven by raw octets from a test, with an in-memory store. */
export function scriptServer(
  options: Partial<ServerSessionOptions> & { extensions?: readonly TransferExtension[] } = {},
) {
  const store = new MemoryStore();
  const wire = new Wire();
  const tlsCertificate = fakeCertificate(1);
  const server = new ServerSession({
    io: {
      send: (bytes) => {
        wire.push(bytes);
      },
      close: () => {
        wire.closed = true;
      },
    },
    hooks: store,
    tlsCertificate,
    extensions: [
      pipeExtension(),
      statExtension((id) =>
        store.committed.has(id)
          ? { state: 'committed', parts: [...(store.committed.get(id)?.keys() ?? [])] }
          : undefined,
      ),
    ],
    ...options,
  });
  server.start();
  return {
    server,
    store,
    wire,
    tlsCertificate,
    /** Sends raw text (CRLFs as written). */
    send: (raw: string) => server.receive(text.encode(raw)),
    /** Sends a data chunk. */
    chunk: (tag: number, data: Uint8Array) => server.receive(encodeChunk(tag, data)),
    /** HELO with the TLS certificate, answered OK. */
    async login(): Promise<void> {
      await server.receive(text.encode(`[1 HELO {${tlsCertificate.length}}]\r\n`));
      await server.receive(encodeChunk(1, tlsCertificate));
    },
  };
}

/** A real client and a real server session joined in memory. */
export function sessionPair(
  clientOptions: Partial<ClientSessionOptions> = {},
  serverOptions: Partial<ServerSessionOptions> = {},
) {
  const store = new MemoryStore();
  const toServer = new Wire();
  const toClient = new Wire();
  const tlsCertificate = fakeCertificate(1);
  const link: { client: ClientSession | undefined } = { client: undefined };
  const server = new ServerSession({
    io: {
      send: (bytes) => {
        toClient.push(bytes);
        void link.client?.receive(bytes).catch(() => undefined);
      },
      close: () => {
        toClient.closed = true;
        void link.client?.end();
      },
    },
    hooks: store,
    tlsCertificate,
    extensions: [pipeExtension(), statExtension(() => ({ state: 'committed', parts: [] }))],
    ...serverOptions,
  });
  const client = new ClientSession({
    io: {
      send: (bytes) => {
        toServer.push(bytes);
        void server.receive(bytes).catch(() => undefined);
      },
      close: () => {
        toServer.closed = true;
        void server.end();
      },
    },
    extensions: [pipeExtension()],
    ...clientOptions,
  });
  link.client = client;
  server.start();
  return { client, server, store, toServer, toClient, tlsCertificate };
}

/** A client session whose server is the test: raw lines in with `say`, frames out on `wire`. */
export function scriptedClient(options: Partial<ClientSessionOptions> = {}) {
  const wire = new Wire();
  const client = new ClientSession({
    io: {
      send: (bytes) => {
        wire.push(bytes);
      },
      close: () => {
        wire.closed = true;
      },
    },
    ...options,
  });
  return { client, wire, say: (raw: string) => client.receive(text.encode(raw)) };
}

/** {@link scriptedClient} after `greeting` and a HELO answered OK with `offered`; wire cleared. */
export async function scriptedClientLoggedIn(
  greeting: string,
  offered: string,
  options: Partial<ClientSessionOptions> = {},
) {
  const s = scriptedClient(options);
  await s.say(greeting);
  const helo = s.client.helo(fakeCertificate(1));
  await s.say('[1 TMP 99.0.3.2 Friend or foe!]\r\n');
  await new Promise(setImmediate);
  await s.say(`[1 OK 99.0.2.1 ${offered} Greetings friend.]\r\n`);
  await helo;
  s.wire.clear();
  return s;
}
