// npm run bench:relay [-- --count N] — mt2d's relay (src/server/relay) moving N queued
// messages (4 KiB bodies, signed, with alpha's trace entry) from alpha's store to a
// receiving host on loopback, beside the same N sent straight down one pipelined host
// session with the protocol's transferMessage (8 in progress at once). Both go to a
// receiving host that stores durably and appends its trace entry. The ratio is what
// the relay's queue (reading parts back, expunging durably, acknowledging each part)
// costs against bare pipelined sending.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendTrace, signMessage } from '../src/identity/index.ts';
import { encodeEnvelope, encodeHeaders, type Mt2Envelope } from '../src/message/index.ts';
import {
  MessageStore,
  Relay,
  RoutingTable,
  StaticRoutes,
  openHostSession,
  relayMailbox,
  systemAddressLookup,
} from '../src/server/index.ts';
import { startHostReceiver } from '../test/helpers/host-receiver.ts';
import { relayDomains } from '../test/helpers/relay-domains.ts';

const countAt = process.argv.indexOf('--count');
const COUNT = countAt > 0 ? Number(process.argv[countAt + 1]) : 2000;
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 100_000) {
  throw new Error(`--count must be an integer from 1 to 100000, got ${process.argv[countAt + 1]}`);
}
const BODY_BYTES = 4096;
const WINDOW = 8;

const domains = await relayDomains();
const scratch = await mkdtemp(join(tmpdir(), 'mt2-bench-relay-'));

interface Parts {
  readonly msgId: string;
  readonly envelope: Uint8Array;
  readonly headers: Uint8Array;
  readonly body: Uint8Array;
}

function messages(tag: string): Parts[] {
  const line = 'The quick brown fox jumps over the lazy dog, again and again.\r\n';
  const body = Buffer.from(
    `Content-Type: text/plain\r\n\r\n${line.repeat(Math.ceil(BODY_BYTES / line.length))}`,
  ).subarray(0, BODY_BYTES);
  return Array.from({ length: COUNT }, (_, index) => {
    const msgId = `bench-${tag}-${index}@alpha.test`;
    const headers = encodeHeaders({
      fields: [{ kind: 'subject', text: `n${index}` }],
      extensions: [],
    });
    const envelope: Mt2Envelope = {
      messageId: msgId,
      sender: 'alice@alpha.test',
      recipients: ['bob@beta.test'],
      control: false,
      trace: [],
      extensions: [],
    };
    const signed = signMessage({ envelope, headers, body }, domains.alice);
    const traced = appendTrace(signed, domains.alphaHost, 'mt2.alpha.test', new Date());
    return { msgId, envelope: encodeEnvelope(traced), headers, body: new Uint8Array(body) };
  });
}

async function receiver(name: string) {
  return startHostReceiver({
    hostname: 'mt2.beta.test',
    credentials: domains.betaHost,
    validator: domains.trustingValidator,
    storeDir: join(scratch, name),
  });
}

async function viaRelay(): Promise<number> {
  const beta = await receiver('beta-relay');
  const store = await MessageStore.open(join(scratch, 'alpha'));
  for (const parts of messages('relay')) {
    const incoming = store.begin(parts.msgId);
    await incoming.appendFragment('envelope', parts.envelope);
    await incoming.appendFragment('headers', parts.headers);
    await incoming.appendFragment('body', parts.body);
    await incoming.commit([relayMailbox('beta.test')]);
  }
  const relay = new Relay({
    store,
    routing: new RoutingTable([new StaticRoutes([`beta.test=127.0.0.1:${beta.port}`])]),
    host: { credentials: domains.alphaHost, hostname: 'mt2.alpha.test' },
    process: domains.alphaProcess,
    validator: domains.trustingValidator,
    localMailbox: () => undefined,
    limits: { maxMessagesPerBatch: 500, maxParallelTransfers: WINDOW },
  });
  const start = process.hrtime.bigint();
  relay.start();
  await relay.whenSettled();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const delivered = beta.store.list('inbox:bob@beta.test', 0, COUNT + 1).entries.length;
  await relay.close();
  await store.close();
  await beta.close();
  if (delivered !== COUNT) throw new Error(`relay delivered ${delivered} of ${COUNT}`);
  return COUNT / seconds;
}

async function direct(): Promise<number> {
  const beta = await receiver('beta-direct');
  const all = messages('direct');
  const session = await openHostSession(
    'beta.test',
    { host: '127.0.0.1', port: beta.port },
    {
      identity: { credentials: domains.alphaHost, hostname: 'mt2.alpha.test' },
      validator: domains.trustingValidator,
      lookup: systemAddressLookup,
      connectTimeoutMs: 10_000,
    },
  );
  if (!session.pipelined) throw new Error('the direct session was not granted PIPE');
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      for (let parts = all[next++]; parts !== undefined; parts = all[next++]) {
        await session.session.transferMessage(parts.msgId, parts);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await session.quit();
  const delivered = beta.store.list('inbox:bob@beta.test', 0, COUNT + 1).entries.length;
  await beta.close();
  if (delivered !== COUNT) throw new Error(`direct sending delivered ${delivered} of ${COUNT}`);
  return COUNT / seconds;
}

try {
  const peer = await direct();
  const ours = await viaRelay();
  console.log(`${COUNT} messages, ${BODY_BYTES}-byte bodies, durable store on both ends`);
  console.log(`direct pipelined transferMessage (window ${WINDOW}): ${peer.toFixed(0)} messages/s`);
  console.log(`relay from the queue:                      ${ours.toFixed(0)} messages/s`);
  console.log(`ratio relay / direct: ${(ours / peer).toFixed(2)}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
