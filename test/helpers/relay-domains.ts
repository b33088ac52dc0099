// Two MT2 domains for the relay tests, alpha.test and beta.test: a domain CA each,
// host certificates (mt2.alpha.test, mt2.beta.test), alpha's process@ identity for
// error reports, and alice@alpha.test. Real certificates from src/identity.
import {
  caStoreOf,
  createCsr,
  createDomainCa,
  createHostCredentials,
  createProcessCredentials,
  generateRsaPrivateKey,
  IdentityValidator,
  issueUserCertificate,
  parseCertificate,
  signMessage,
  type Credentials,
  type DomainCa,
} from '../../src/identity/index.ts';
import { encodeEnvelope, encodeHeaders, type Mt2Envelope } from '../../src/message/index.ts';

export interface RelayDomains {
  readonly alphaCa: DomainCa;
  readonly betaCa: DomainCa;
  /** mt2.alpha.test */
  readonly alphaHost: Credentials;
  /** mt2.beta.test */
  readonly betaHost: Credentials;
  /** mt2d@alpha.test, signs alpha's error reports. */
  readonly alphaProcess: Credentials;
  readonly alice: Credentials;
  /** A CA that nobody's store holds, with a host certificate for mt2.beta.test. */
  readonly impostorHost: Credentials;
  /** Knows both CAs and vouches for them: peers are valid and trusted. */
  readonly trustingValidator: IdentityValidator;
  /** Knows both CAs without vouching: peers are valid, not trusted. */
  readonly neutralValidator: IdentityValidator;
}

let shared: Promise<RelayDomains> | undefined;

/** Made once per test file (key generation takes most of a second per key). */
export function relayDomains(): Promise<RelayDomains> {
  shared ??= (async () => {
    const [alphaCa, betaCa, impostorCa] = await Promise.all([
      createDomainCa({ domain: 'alpha.test' }),
      createDomainCa({ domain: 'beta.test' }),
      createDomainCa({ domain: 'beta.test' }),
    ]);
    const [alphaHost, betaHost, alphaProcess, impostorHost, aliceKey] = await Promise.all([
      createHostCredentials(alphaCa, 'mt2.alpha.test'),
      createHostCredentials(betaCa, 'mt2.beta.test'),
      createProcessCredentials(alphaCa),
      createHostCredentials(impostorCa, 'mt2.beta.test'),
      generateRsaPrivateKey(),
    ]);
    const address = 'alice@alpha.test';
    const alice: Credentials = {
      certificate: issueUserCertificate(alphaCa, createCsr(aliceKey, { address }), { address }),
      privateKey: aliceKey,
      chain: [alphaCa.certificate],
    };
    const cas = [alphaCa, betaCa].map((ca) => parseCertificate(ca.certificate.raw));
    return {
      alphaCa,
      betaCa,
      alphaHost,
      betaHost,
      alphaProcess,
      alice,
      impostorHost,
      trustingValidator: new IdentityValidator({ store: caStoreOf(cas, true) }),
      neutralValidator: new IdentityValidator({ store: caStoreOf(cas, false) }),
    };
  })();
  return shared;
}

/** A message's three parts as they travel. */
export interface StoredParts {
  readonly envelope: Uint8Array;
  readonly headers: Uint8Array;
  readonly body: Uint8Array;
}

let counter = 0;

/**
 * A message from alice, signed by her, with the trace entry alpha's host appends when it
 * accepts it (what mt2d does before queueing it for relay).
 */
export function aliceMessage(
  domains: RelayDomains,
  recipients: readonly string[],
  appendHop: (envelope: Mt2Envelope) => Mt2Envelope,
): { msgId: string; parts: StoredParts } {
  const msgId = `m${++counter}-${Date.now()}@alpha.test`;
  const headers = encodeHeaders({
    fields: [{ kind: 'subject', text: `Relay test ${counter}` }],
    extensions: [],
  });
  const body = Buffer.from(`Content-Type: text/plain\r\n\r\nHello number ${counter}.\r\n`);
  const unsigned: Mt2Envelope = {
    messageId: msgId,
    sender: 'alice@alpha.test',
    recipients,
    control: false,
    trace: [],
    extensions: [],
  };
  const signed = signMessage({ envelope: unsigned, headers, body }, domains.alice);
  return {
    msgId,
    parts: { envelope: encodeEnvelope(appendHop(signed)), headers, body: new Uint8Array(body) },
  };
}
