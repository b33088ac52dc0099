import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  caStoreOf,
  checkPeer,
  formatVerdict,
  IdentityValidator,
  parseCertificate,
  PURPOSE,
  readCrls,
  type CaResolver,
  type TrustPolicy,
} from '../../../../src/identity/index.ts';
import { makeFixturePki, type FixturePki } from './fixtures.ts';

let pki: FixturePki;
before(() => {
  pki = makeFixturePki();
});
after(() => {
  pki.cleanup();
});

const codes = (reasons: readonly { code: string }[]) => reasons.map((item) => item.code);
const user = (address: string) => ({ kind: 'user', address }) as const;

function localValidator(trust?: TrustPolicy, vouches = false): IdentityValidator {
  const store = caStoreOf([parseCertificate(pki.exampleCa.der)], vouches);
  return new IdentityValidator(trust === undefined ? { store } : { store, trust });
}

describe('IdentityValidator with the local CA store', () => {
  test('a user certificate bound to its address is valid, from the local store', async () => {
    const verdict = await localValidator().validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
    });
    assert.deepEqual(codes(verdict.validityReasons), []);
    assert.equal(verdict.valid, true);
    assert.equal(verdict.source, 'local-store');
    assert.equal(verdict.issuerDomain, 'example.org');
    assert.equal(verdict.chain.length, 2);
    assert.equal(verdict.trusted, false, 'valid is not trusted: nobody vouches');
  });

  test('a user in a subdomain of the issuing domain is valid (delegation parent)', async () => {
    const verdict = await localValidator().validate({
      chain: [parseCertificate(pki.erin.der)],
      expected: user('erin@eng.example.org'),
    });
    assert.equal(verdict.valid, true, formatVerdict(verdict));
  });

  test('another address gives SUBJECT_ADDRESS_MISMATCH', async () => {
    const verdict = await localValidator().validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('bob@example.org'),
    });
    assert.deepEqual(codes(verdict.validityReasons), ['SUBJECT_ADDRESS_MISMATCH']);
  });

  test('a host certificate is bound to its hostname', async () => {
    const validator = localValidator();
    const chain = [parseCertificate(pki.host.der)];
    const good = await validator.validate({
      chain,
      expected: { kind: 'host', hostname: 'MAIL.example.org.' },
    });
    assert.equal(good.valid, true, formatVerdict(good));
    const bad = await validator.validate({
      chain,
      expected: { kind: 'host', hostname: 'smtp.example.org' },
    });
    assert.deepEqual(codes(bad.validityReasons), ['SUBJECT_HOST_MISMATCH']);
  });

  test('a user certificate used as a host (wrong purpose) gives EXTENDED_KEY_USAGE_MISSING', async () => {
    const verdict = await localValidator().validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: { kind: 'user', address: 'alice@example.org', purpose: PURPOSE.serverAuth },
    });
    assert.deepEqual(codes(verdict.validityReasons), ['EXTENDED_KEY_USAGE_MISSING']);
  });

  test('an expired certificate gives EXPIRED; at a time inside its validity it is valid', async () => {
    const chain = [parseCertificate(pki.expiredBob.der)];
    const now = await localValidator().validate({ chain, expected: user('bob@example.org') });
    assert.deepEqual(codes(now.validityReasons), ['EXPIRED']);
    const before2021 = await localValidator().validate({
      chain,
      expected: user('bob@example.org'),
      at: new Date('2020-06-01T00:00:00Z'),
    });
    // The anchor is a name and a key (RFC 5280 6.1.1 (d)): its own dates do not count.
    assert.equal(before2021.valid, true, formatVerdict(before2021));
    const before2020 = await localValidator().validate({
      chain,
      expected: user('bob@example.org'),
      at: new Date('2019-06-01T00:00:00Z'),
    });
    assert.deepEqual(codes(before2020.validityReasons), ['NOT_YET_VALID']);
  });

  test('a revoked certificate gives REVOKED with the CA CRL; without it, only a warning', async () => {
    const chain = [parseCertificate(pki.revokedCarol.der)];
    const crls = readCrls(readFileSync(pki.crlPath));
    const withCrl = await localValidator().validate({
      chain,
      expected: user('carol@example.org'),
      crls,
    });
    assert.deepEqual(codes(withCrl.validityReasons), ['REVOKED']);
    assert.match(withCrl.validityReasons[0]?.message ?? '', /keyCompromise/);
    const withoutCrl = await localValidator().validate({
      chain,
      expected: user('carol@example.org'),
    });
    assert.equal(withoutCrl.valid, true);
    assert.deepEqual(codes(withoutCrl.warnings), ['REVOCATION_UNKNOWN']);
    const alice = await localValidator().validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
      crls,
    });
    assert.equal(alice.valid, true, 'the CRL does not list alice');
    assert.deepEqual(codes(alice.warnings), []);
  });

  test('a name outside the CA name constraints gives NAME_CONSTRAINT_VIOLATION', async () => {
    const verdict = await localValidator().validate({
      chain: [parseCertificate(pki.outsideMallory.der)],
      expected: user('mallory@evil.test'),
    });
    assert.ok(
      codes(verdict.validityReasons).includes('NAME_CONSTRAINT_VIOLATION'),
      formatVerdict(verdict),
    );
    assert.ok(codes(verdict.validityReasons).includes('ISSUER_NOT_DELEGATION_PARENT'));
  });

  test('an unknown issuer gives UNKNOWN_ISSUER and source none', async () => {
    const verdict = await localValidator().validate({
      chain: [parseCertificate(pki.daveFromOther.der)],
      expected: user('dave@example.org'),
    });
    assert.equal(verdict.source, 'none');
    assert.deepEqual(codes(verdict.validityReasons).slice(0, 1), ['UNKNOWN_ISSUER']);
  });

  test('a blacklisted issuing domain gives ISSUER_BLACKLISTED', async () => {
    const trust: TrustPolicy = {
      blacklistedIssuerDomains: ['example.org'],
      vouchLists: [],
      trustedGateways: [],
    };
    const verdict = await localValidator(trust).validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
    });
    assert.deepEqual(codes(verdict.validityReasons), ['ISSUER_BLACKLISTED']);
    assert.equal(verdict.trusted, false);
  });

  test('trust comes from a vouching CA and from vouch lists, and is reported by whom', async () => {
    const trust: TrustPolicy = {
      blacklistedIssuerDomains: [],
      vouchLists: [
        { name: 'Bonded Senders', domains: ['example.org'], identities: [] },
        { name: 'Friends', domains: [], identities: ['bob@example.org'] },
      ],
      trustedGateways: [],
    };
    const verdict = await localValidator(trust, true).validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
    });
    assert.equal(verdict.trusted, true);
    assert.deepEqual(verdict.trustedBy, [
      { kind: 'ca', name: 'CN=example.org CA, O=example.org' },
      { kind: 'vouch-list', name: 'Bonded Senders', entry: 'example.org' },
    ]);
  });

  test('an invalid certificate is never trusted, even when vouched for', async () => {
    const trust: TrustPolicy = {
      blacklistedIssuerDomains: [],
      vouchLists: [{ name: 'All', domains: ['example.org'], identities: [] }],
      trustedGateways: [],
    };
    const verdict = await localValidator(trust, true).validate({
      chain: [parseCertificate(pki.expiredBob.der)],
      expected: user('bob@example.org'),
    });
    assert.equal(verdict.valid, false);
    assert.equal(verdict.trusted, false);
  });
});

describe('delegated CA validation and gateways', () => {
  function resolverOf(map: Record<string, Uint8Array[]>): CaResolver {
    return {
      name: 'memory',
      resolve: (domain) =>
        Promise.resolve((map[domain] ?? []).map((der) => ({ der, origin: `memory:${domain}` }))),
    };
  }

  test('an issuer found through the resolver validates, with source delegated and its origin', async () => {
    const validator = new IdentityValidator({
      store: caStoreOf([], false),
      resolver: resolverOf({ 'example.org': [pki.exampleCa.der] }),
    });
    const verdict = await validator.validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
    });
    assert.equal(verdict.valid, true, formatVerdict(verdict));
    assert.equal(verdict.source, 'delegated');
    assert.equal(verdict.caOrigin, 'memory:example.org');
  });

  test('an issuing domain that is no delegation parent is refused before any lookup', async () => {
    let lookups = 0;
    const resolver: CaResolver = {
      name: 'counting',
      resolve: () => {
        lookups += 1;
        return Promise.resolve([{ der: pki.otherCa.der, origin: 'x' }]);
      },
    };
    const validator = new IdentityValidator({ store: caStoreOf([], false), resolver });
    const verdict = await validator.validate({
      chain: [parseCertificate(pki.daveFromOther.der)],
      expected: user('dave@example.org'),
    });
    assert.deepEqual(codes(verdict.validityReasons), ['ISSUER_NOT_DELEGATION_PARENT']);
    assert.equal(lookups, 0);
  });

  test('a host from an ECDSA domain CA validates through the resolver', async () => {
    const validator = new IdentityValidator({
      store: caStoreOf([], false),
      resolver: resolverOf({ 'other.test': [pki.otherCa.der] }),
    });
    const verdict = await validator.validate({
      chain: [parseCertificate(pki.gatewayHost.der)],
      expected: { kind: 'host', hostname: 'gw.other.test' },
    });
    assert.equal(verdict.valid, true, formatVerdict(verdict));
  });

  test('no CA published gives CA_NOT_FOUND; a failing lookup gives RESOLVER_FAILED', async () => {
    const none = new IdentityValidator({ store: caStoreOf([], false), resolver: resolverOf({}) });
    const chain = [parseCertificate(pki.alice.der)];
    assert.deepEqual(
      codes((await none.validate({ chain, expected: user('alice@example.org') })).validityReasons),
      ['CA_NOT_FOUND'],
    );
    const broken = new IdentityValidator({
      store: caStoreOf([], false),
      resolver: { name: 'broken', resolve: () => Promise.reject(new Error('server down')) },
    });
    assert.deepEqual(
      codes(
        (await broken.validate({ chain, expected: user('alice@example.org') })).validityReasons,
      ),
      ['RESOLVER_FAILED'],
    );
  });

  test('a CA certificate from the resolver that is not the issuer gives BAD_SIGNATURE or UNKNOWN_ISSUER', async () => {
    const validator = new IdentityValidator({
      store: caStoreOf([], false),
      resolver: resolverOf({ 'example.org': [pki.otherCa.der] }),
    });
    const verdict = await validator.validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
    });
    assert.equal(verdict.valid, false);
    assert.deepEqual(codes(verdict.validityReasons), ['UNKNOWN_ISSUER']);
  });

  test('an identity relayed by an explicitly trusted gateway is valid with source gateway', async () => {
    const trust: TrustPolicy = {
      blacklistedIssuerDomains: [],
      vouchLists: [],
      trustedGateways: ['gw.other.test'],
    };
    const validator = new IdentityValidator({ store: caStoreOf([], false), trust });
    const chain = [parseCertificate(pki.daveFromOther.der)];
    const relayed = await validator.validate({
      chain,
      expected: user('dave@example.org'),
      relayedBy: 'gw.other.test',
    });
    assert.equal(relayed.source, 'gateway');
    assert.deepEqual(
      codes(relayed.validityReasons),
      ['ISSUER_NOT_DELEGATION_PARENT'],
      'the MT2 rules still apply',
    );
    const alice = await validator.validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
      relayedBy: 'gw.other.test',
    });
    assert.equal(alice.valid, true);
    assert.deepEqual(alice.trustedBy, [{ kind: 'gateway', host: 'gw.other.test' }]);
    const untrusted = await validator.validate({
      chain: [parseCertificate(pki.alice.der)],
      expected: user('alice@example.org'),
      relayedBy: 'gw.evil.test',
    });
    assert.equal(untrusted.valid, false);
    assert.equal(untrusted.source, 'none');
  });

  test('a trusted gateway does not rescue an expired certificate', async () => {
    const trust: TrustPolicy = {
      blacklistedIssuerDomains: [],
      vouchLists: [],
      trustedGateways: ['gw.other.test'],
    };
    const validator = new IdentityValidator({ store: caStoreOf([], false), trust });
    const verdict = await validator.validate({
      chain: [parseCertificate(pki.expiredBob.der)],
      expected: user('bob@example.org'),
      relayedBy: 'gw.other.test',
    });
    assert.equal(verdict.source, 'gateway');
    assert.deepEqual(codes(verdict.validityReasons), ['EXPIRED']);
  });
});

describe('checkPeer (after the TLS handshake)', () => {
  test('a host session accepts the host certificate and refuses a user certificate', async () => {
    const validator = localValidator();
    const host = await checkPeer(validator, {
      chainDer: [pki.host.der],
      expected: { kind: 'host', hostname: 'mail.example.org' },
    });
    assert.equal(host.valid, true, formatVerdict(host));
    const userAsHost = await checkPeer(validator, {
      chainDer: [pki.alice.der],
      expected: { kind: 'host', hostname: 'mail.example.org' },
    });
    assert.deepEqual(codes(userAsHost.validityReasons).sort(), [
      'EXTENDED_KEY_USAGE_MISSING',
      'SUBJECT_HOST_MISMATCH',
    ]);
  });

  test('a user session checks clientAuth and the address; the chain may carry the CA', async () => {
    const verdict = await checkPeer(localValidator(), {
      chainDer: [pki.alice.der, pki.exampleCa.der],
      expected: user('alice@example.org'),
    });
    assert.equal(verdict.valid, true, formatVerdict(verdict));
  });

  test('an empty, oversized or corrupt chain is refused with MALFORMED_CERTIFICATE', async () => {
    const validator = localValidator();
    const empty = await checkPeer(validator, { chainDer: [], expected: user('alice@example.org') });
    assert.deepEqual(codes(empty.validityReasons), ['MALFORMED_CERTIFICATE']);
    const corrupt = await checkPeer(validator, {
      chainDer: [pki.alice.der.subarray(0, 100)],
      expected: user('alice@example.org'),
    });
    assert.deepEqual(codes(corrupt.validityReasons), ['MALFORMED_CERTIFICATE']);
    const long = await checkPeer(validator, {
      chainDer: Array.from({ length: 9 }, () => pki.alice.der),
      expected: user('alice@example.org'),
    });
    assert.deepEqual(codes(long.validityReasons), ['MALFORMED_CERTIFICATE']);
  });

  test('a certificate with a flipped signature bit gives BAD_SIGNATURE', async () => {
    const tampered = new Uint8Array(pki.alice.der);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0x01;
    const verdict = await checkPeer(localValidator(), {
      chainDer: [tampered],
      expected: user('alice@example.org'),
    });
    assert.deepEqual(codes(verdict.validityReasons), ['BAD_SIGNATURE']);
  });
});
