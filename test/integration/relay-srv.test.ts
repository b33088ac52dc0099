// The relay finds beta.test through DNS SRV served by a real dnsmasq: targets in
// priority order, each target's address from the same DNS server, and each peer's
// host certificate checked for the SRV target's name.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  MessageStore,
  Relay,
  RoutingTable,
  SrvRoutes,
  StaticRoutes,
  dnsAddressLookup,
  relayMailbox,
} from '../../src/server/index.ts';
import { startHostReceiver, type HostReceiver } from '../helpers/host-receiver.ts';
import { aliceMessage, relayDomains, type RelayDomains } from '../helpers/relay-domains.ts';
import { freePort, startDnsmasq, type RunningServer } from '../helpers/servers.ts';
import { appendTrace } from '../../src/identity/index.ts';

let domains: RelayDomains;
let scratch: string;
let receiver: HostReceiver;
let dns: RunningServer;
let closedPort: number;

before(async () => {
  domains = await relayDomains();
  scratch = await mkdtemp(join(tmpdir(), 'mt2-relay-srv-'));
  receiver = await startHostReceiver({
    hostname: 'mt2.beta.test',
    credentials: domains.betaHost,
    validator: domains.trustingValidator,
    storeDir: join(scratch, 'beta'),
  });
  closedPort = await freePort();
  dns = await startDnsmasq([
    '--local=/test/',
    // Priority 10: two targets that cannot take the message (nothing listening; a name
    // the certificate is not for). Priority 20: the real one.
    `--srv-host=_mt2._tcp.beta.test,mt2-old.beta.test,${closedPort},10,5`,
    `--srv-host=_mt2._tcp.beta.test,wrong.beta.test,${receiver.port},10,5`,
    `--srv-host=_mt2._tcp.beta.test,mt2.beta.test,${receiver.port},20,0`,
    '--host-record=mt2-old.beta.test,127.0.0.1',
    '--host-record=wrong.beta.test,127.0.0.1',
    '--host-record=mt2.beta.test,127.0.0.1',
  ]);
});

after(async () => {
  await receiver.close();
  await dns.stop();
  await rm(scratch, { recursive: true, force: true });
});

test('SRV targets are tried in priority order; the one that validates gets the message', async () => {
  const store = await MessageStore.open(join(scratch, 'alpha'));
  const server = `127.0.0.1:${dns.port}`;
  const log: { event: string; host?: unknown; peer?: unknown; error?: unknown }[] = [];
  const relay = new Relay({
    store,
    routing: new RoutingTable([new StaticRoutes([]), new SrvRoutes({ servers: [server] })]),
    lookup: dnsAddressLookup([server]),
    host: { credentials: domains.alphaHost, hostname: 'mt2.alpha.test' },
    process: domains.alphaProcess,
    validator: domains.trustingValidator,
    localMailbox: () => undefined,
    log: { event: (event, fields = {}) => log.push({ event, ...fields }) },
  });
  try {
    const { msgId, parts } = aliceMessage(domains, ['bob@beta.test'], (envelope) =>
      appendTrace(envelope, domains.alphaHost, 'mt2.alpha.test', new Date()),
    );
    const incoming = store.begin(msgId);
    await incoming.appendFragment('envelope', parts.envelope);
    await incoming.appendFragment('headers', parts.headers);
    await incoming.appendFragment('body', parts.body);
    await incoming.commit([relayMailbox('beta.test')]);
    relay.onRelayQueued('BETA.test.');
    await relay.whenSettled();

    const failedHosts = log.filter((e) => e.event === 'relay.route-failed').map((e) => e.host);
    assert.deepEqual(
      [...failedHosts].sort(),
      ['mt2-old.beta.test', 'wrong.beta.test'],
      'both priority-10 targets were tried first',
    );
    const wrong = log.find((e) => e.event === 'relay.route-failed' && e.host === 'wrong.beta.test');
    assert.match(String(wrong?.error), /host certificate of wrong\.beta\.test/);
    const connected = log.find((e) => e.event === 'relay.connected');
    assert.equal(connected?.host, 'mt2.beta.test');
    assert.equal(connected.peer, 'mt2.beta.test');
    const delivered = receiver.store.list('inbox:bob@beta.test').entries.map((e) => e.msgId);
    assert.deepEqual(delivered, [msgId]);
  } finally {
    await relay.close();
    await store.close();
  }
});
