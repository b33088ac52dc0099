// The FIRS-style LDAP resolver against a real slapd started here on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CachingResolver,
  caStoreOf,
  firsFilter,
  firsSearchBase,
  formatVerdict,
  IdentityValidator,
  LdapResolver,
  parseCertificate,
  ResolverError,
} from '../../src/identity/index.ts';
import { makeFixturePki, type FixturePki } from '../unit/identity/validation/fixtures.ts';
import { freePort, startSlapd, type RunningServer } from '../helpers/servers.ts';

let pki: FixturePki;
let dir: string;
let slapd: RunningServer | undefined;

before(async () => {
  pki = makeFixturePki();
  dir = mkdtempSync(join(tmpdir(), 'mt2-slapd-'));
  slapd = await startSlapd(dir, 'example.org', pki.exampleCa.der);
});

after(async () => {
  await slapd?.stop();
  rmSync(dir, { recursive: true, force: true });
  pki.cleanup();
});

const url = () => `ldap://127.0.0.1:${String(slapd?.port)}`;

describe('LdapResolver against slapd', () => {
  test('builds the search of the slides for a domain', () => {
    assert.equal(firsSearchBase('ehsco.com'), 'cn=inetResources,dc=ehsco,dc=com');
    assert.equal(firsFilter('ehsco.com'), '(&(objectClass=inetDnsDomain)(cn:dn:=ehsco.com))');
  });

  test('finds the domain CA certificate (cACertificate;binary) byte for byte', async () => {
    const found = await new LdapResolver({ url: url() }).resolve('example.org');
    assert.equal(found.length, 1);
    assert.deepEqual(Buffer.from(found[0]?.der ?? []), Buffer.from(pki.exampleCa.der));
    assert.match(found[0]?.origin ?? '', /cn=example\.org,cn=inetResources,dc=example,dc=org$/);
  });

  test('a domain without a FIRS tree resolves to nothing', async () => {
    assert.deepEqual(await new LdapResolver({ url: url() }).resolve('nowhere.test'), []);
  });

  test('a user certificate validates through LDAP-delegated CA lookup', async () => {
    const validator = new IdentityValidator({
      store: caStoreOf([], false),
      resolver: new LdapResolver({ url: url() }),
    });
    const verdict = await validator.validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: { kind: 'user', address: 'alice@example.org' },
    });
    assert.equal(verdict.valid, true, formatVerdict(verdict));
    assert.equal(verdict.source, 'delegated');
    assert.match(verdict.caOrigin ?? '', /^ldap:\/\/127\.0\.0\.1:\d+\/cn=example\.org/);
  });

  test('the cache answers repeated lookups within the TTL without the server', async () => {
    let clock = 0;
    let lookups = 0;
    const ldap = new LdapResolver({ url: url() });
    const counting = {
      name: 'ldap',
      resolve: (domain: string) => {
        lookups += 1;
        return ldap.resolve(domain);
      },
    };
    const cached = new CachingResolver(counting, { ttlMs: 1000, now: () => clock });
    await cached.resolve('example.org');
    await cached.resolve('EXAMPLE.org.');
    assert.equal(lookups, 1);
    clock = 1001;
    await cached.resolve('example.org');
    assert.equal(lookups, 2);
  });

  test('an unreachable directory rejects with RESOLVER_UNREACHABLE', async () => {
    const closed = await freePort();
    await assert.rejects(
      new LdapResolver({ url: `ldap://127.0.0.1:${closed}`, timeoutMs: 2000 }).resolve(
        'example.org',
      ),
      (error: unknown) => error instanceof ResolverError && error.code === 'RESOLVER_UNREACHABLE',
    );
  });

  test('a name that is not a domain is refused with INVALID_DOMAIN before any query', async () => {
    await assert.rejects(
      new LdapResolver({ url: url() }).resolve('example.org)(cn=*'),
      (error: unknown) => error instanceof ResolverError && error.code === 'INVALID_DOMAIN',
    );
  });
});
