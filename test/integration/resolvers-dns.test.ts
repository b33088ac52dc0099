// The DNS resolver against a real dnsmasq started here on loopback: CERT (type 37)
// over UDP with EDNS0, over TCP when truncated, and TXT.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  caStoreOf,
  DnsResolver,
  formatVerdict,
  IdentityValidator,
  parseCertificate,
  ResolverError,
  TXT_PREFIX,
  txtOwner,
} from '../../src/identity/index.ts';
import { makeFixturePki, type FixturePki } from '../unit/identity/validation/fixtures.ts';
import { freePort, startDnsmasq, type RunningServer } from '../helpers/servers.ts';

let pki: FixturePki;
let dns: RunningServer | undefined;
let small: RunningServer | undefined;

/** CERT RDATA (RFC 4398): type 1 (PKIX), key tag 0, algorithm 0, the DER. */
function certRdataHex(der: Uint8Array): string {
  return `0001000000${Buffer.from(der).toString('hex')}`;
}

/** TXT strings of at most 255 characters: "mt2ca=" and the base64 DER. */
function txtStrings(der: Uint8Array): string[] {
  const text = TXT_PREFIX + Buffer.from(der).toString('base64');
  return text.match(/.{1,255}/g) ?? [];
}

before(async () => {
  pki = makeFixturePki();
  const records = [
    // Answer NXDOMAIN (not REFUSED) for other names in these zones.
    '--local=/test/',
    '--local=/org/',
    `--dns-rr=example.org,37,${certRdataHex(pki.exampleCa.der)}`,
    `--txt-record=${txtOwner('other.test')},${txtStrings(pki.otherCa.der).join(',')}`,
    '--txt-record=_mt2ca.junk.test,mt2ca=!!not-base64!!',
  ];
  dns = await startDnsmasq(records);
  // A server that truncates UDP answers at 512 bytes, so CERT needs TCP.
  small = await startDnsmasq(['--edns-packet-max=512', ...records]);
});

after(async () => {
  await dns?.stop();
  await small?.stop();
  pki.cleanup();
});

const resolver = (options: Partial<ConstructorParameters<typeof DnsResolver>[0]> = {}) =>
  new DnsResolver({ host: '127.0.0.1', port: dns?.port ?? 0, timeoutMs: 3000, ...options });

describe('DnsResolver against dnsmasq', () => {
  test('reads a CERT record over UDP, byte for byte', async () => {
    const found = await resolver({ records: ['CERT'] }).resolve('example.org');
    assert.equal(found.length, 1);
    assert.deepEqual(Buffer.from(found[0]?.der ?? []), Buffer.from(pki.exampleCa.der));
    assert.match(found[0]?.origin ?? '', /^dns:\/\/127\.0\.0\.1:\d+\/example\.org\/CERT$/);
  });

  test('falls back to TCP when the UDP answer is truncated', async () => {
    const found = await resolver({ port: small?.port ?? 0, records: ['CERT'] }).resolve(
      'example.org',
    );
    assert.deepEqual(Buffer.from(found[0]?.der ?? []), Buffer.from(pki.exampleCa.der));
  });

  test('reads a CA split over TXT strings at _mt2ca.DOMAIN', async () => {
    const found = await resolver({ records: ['TXT'] }).resolve('other.test');
    assert.equal(found.length, 1);
    assert.deepEqual(Buffer.from(found[0]?.der ?? []), Buffer.from(pki.otherCa.der));
  });

  test('tries CERT then TXT by default; unknown names and junk TXT give nothing', async () => {
    assert.equal((await resolver().resolve('other.test')).length, 1);
    assert.deepEqual(await resolver().resolve('nothing.test'), []);
    assert.deepEqual(await resolver({ records: ['TXT'] }).resolve('junk.test'), []);
  });

  test('user and host certificates validate through DNS-delegated CA lookup', async () => {
    const validator = new IdentityValidator({ store: caStoreOf([], false), resolver: resolver() });
    const alice = await validator.validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: { kind: 'user', address: 'alice@example.org' },
    });
    assert.equal(alice.valid, true, formatVerdict(alice));
    assert.equal(alice.source, 'delegated');
    const gateway = await validator.validate({
      chain: [parseCertificate(pki.gatewayHost.der)],
      expected: { kind: 'host', hostname: 'gw.other.test' },
    });
    assert.equal(gateway.valid, true, formatVerdict(gateway));
    assert.match(gateway.caOrigin ?? '', /_mt2ca\.other\.test\/TXT$/);
  });

  test('a server that does not answer rejects with RESOLVER_TIMEOUT', async () => {
    const silent = await freePort();
    await assert.rejects(
      resolver({ port: silent, records: ['CERT'], timeoutMs: 300 }).resolve('example.org'),
      (error: unknown) =>
        error instanceof ResolverError &&
        (error.code === 'RESOLVER_TIMEOUT' || error.code === 'RESOLVER_UNREACHABLE'),
    );
  });

  test('a server that refuses every kind of query rejects with RESOLVER_BAD_RESPONSE', async () => {
    await assert.rejects(
      resolver().resolve('example.net'),
      (error: unknown) => error instanceof ResolverError && error.code === 'RESOLVER_BAD_RESPONSE',
    );
  });

  test('a name that is not a domain is refused with INVALID_DOMAIN', async () => {
    await assert.rejects(
      resolver().resolve('../etc/passwd'),
      (error: unknown) => error instanceof ResolverError && error.code === 'INVALID_DOMAIN',
    );
  });
});
