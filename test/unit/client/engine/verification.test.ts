// Composing (sign, encrypt) and verifying incoming messages, with the one vocabulary.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendTrace,
  certificatesToPem,
  parseCertificate,
} from '../../../../src/identity/index.ts';
import { composeMessage } from '../../../../src/client/send/compose.ts';
import { accountValidator } from '../../../../src/client/security/validator.ts';
import {
  deliveredBy,
  securityView,
  verifyIncoming,
} from '../../../../src/client/security/verify-incoming.ts';
import { judge } from '../../../../src/client/certificates.ts';
import { DEFAULT_SETTINGS } from '../../../../src/client/index.ts';
import { relayDomains } from '../../../helpers/relay-domains.ts';
import { buildSignedMessage } from '../../../helpers/signed-message.ts';
import { draft, enginePki } from './fixtures.ts';

async function setup() {
  const pki = await enginePki();
  const validator = accountValidator(
    certificatesToPem([pki.ca.certificate]),
    DEFAULT_SETTINGS.trust,
  );
  const composed = await composeMessage(draft, {
    credentials: pki.alice,
    displayName: 'Alice',
    recipientCertificate: (address) =>
      address === 'bob@alpha.test' ? pki.bob.certificate : undefined,
  });
  return { pki, validator, composed };
}

describe('verifyIncoming', () => {
  test('a signed message with a signed trace is verified, headers first, then with its body', async () => {
    const { pki, validator, composed } = await setup();
    const envelope = appendTrace(composed.envelope, pki.host, 'mt2.alpha.test', new Date());
    const headersOnly = await verifyIncoming({ envelope, headers: composed.headers }, validator);
    assert.equal(headersOnly.bodyChecked, false);
    assert.equal(securityView(headersOnly).badge, 'verified');
    const whole = await verifyIncoming(
      { envelope, headers: composed.headers, body: composed.body },
      validator,
    );
    const view = securityView(whole);
    assert.equal(whole.bodyChecked, true);
    assert.equal(view.badge, 'verified');
    assert.equal(view.trace.state, 'valid');
    assert.deepEqual(
      view.trace.hops.map((hop) => hop.host),
      ['mt2.alpha.test'],
    );
    assert.equal(view.summary, 'Signed by alice@alpha.test; valid and trusted.');
    assert.equal(view.certificate?.trusted, true);
  });

  test('a revocation status that could not be checked is a note on the certificate, not a reason', async () => {
    const { pki, validator, composed } = await setup();
    const envelope = appendTrace(composed.envelope, pki.host, 'mt2.alpha.test', new Date());
    const view = securityView(
      await verifyIncoming({ envelope, headers: composed.headers }, validator),
    );
    assert.equal(view.badge, 'verified');
    assert.deepEqual(view.certificate?.reasons, []);
    const notes = view.certificate.notes ?? [];
    assert.ok(notes.length > 0, 'the note is kept');
    assert.ok(notes.every((note) => note.code === 'REVOCATION_UNKNOWN'));
  });

  test('altered headers fail with the reason in plain words', async () => {
    const { validator, composed } = await setup();
    const tampered = Buffer.from(composed.headers);
    const at = tampered.indexOf('Lunch?');
    tampered.write('Dinner', at);
    const view = securityView(
      await verifyIncoming({ envelope: composed.envelope, headers: tampered }, validator),
    );
    assert.equal(view.badge, 'failed');
    assert.equal(view.signature.state, 'invalid');
    assert.deepEqual(
      view.signature.reasons.map((reason) => reason.code),
      ['HEADERS_DIGEST_MISMATCH'],
    );
    assert.match(view.summary, /^The subject, addresses or other headers were changed/);
  });

  test('an altered body fails once the body is there', async () => {
    const { validator, composed } = await setup();
    const body = Buffer.concat([composed.body, Buffer.from('P.S. send money\r\n')]);
    const result = await verifyIncoming(
      { envelope: composed.envelope, headers: composed.headers, body },
      validator,
    );
    assert.deepEqual(
      result.signature.reasons.map((reason) => reason.code),
      ['BODY_DIGEST_MISMATCH'],
    );
    assert.equal(securityView(result).badge, 'failed');
  });

  test('a removed trace entry breaks the chain', async () => {
    const { pki, validator, composed } = await setup();
    const once = appendTrace(composed.envelope, pki.host, 'mt2.alpha.test', new Date());
    const twice = appendTrace(once, pki.host, 'mt2.alpha.test', new Date(Date.now() + 1000));
    const forged = { ...twice, trace: twice.trace.slice(1) };
    const view = securityView(
      await verifyIncoming({ envelope: forged, headers: composed.headers }, validator),
    );
    assert.equal(view.trace.state, 'invalid');
    assert.equal(view.trace.reasons[0]?.code, 'TRACE_LINK_BROKEN');
    assert.equal(view.badge, 'failed');
  });

  test('an unsigned message is unsigned, not failed', async () => {
    const { validator, composed } = await setup();
    const { signature: _s, certificate: _c, ...unsigned } = composed.envelope;
    const view = securityView(
      await verifyIncoming({ envelope: unsigned, headers: composed.headers }, validator),
    );
    assert.equal(view.badge, 'unsigned');
    assert.equal(view.summary, 'Not signed: the sender cannot be confirmed.');
  });

  test('a blacklisted issuing domain makes the certificate invalid', async () => {
    const { pki, composed } = await setup();
    const strict = accountValidator(certificatesToPem([pki.ca.certificate]), {
      ...DEFAULT_SETTINGS.trust,
      blacklistedIssuerDomains: ['alpha.test'],
    });
    const view = securityView(
      await verifyIncoming({ envelope: composed.envelope, headers: composed.headers }, strict),
    );
    assert.equal(view.badge, 'failed');
    assert.ok(view.certificate?.reasons.some((reason) => reason.code === 'ISSUER_BLACKLISTED'));
  });

  test('a signer from an unknown CA is failed with the validator reason', async () => {
    const { composed } = await setup();
    const other = accountValidator(
      certificatesToPem([(await enginePki()).host.certificate]),
      DEFAULT_SETTINGS.trust,
    );
    const view = securityView(
      await verifyIncoming({ envelope: composed.envelope, headers: composed.headers }, other),
    );
    assert.equal(view.badge, 'failed');
    assert.equal(view.certificate?.valid, false);
    assert.ok(view.signature.reasons.some((reason) => reason.code === 'CERTIFICATE_INVALID'));
  });

  test('mail from another domain is verified through the server that delivered it, once the user trusts it as a gateway', async () => {
    const domains = await relayDomains();
    const message = await buildSignedMessage(
      { from: 'alice@alpha.test', to: ['bob@beta.test'], subject: 'Across' },
      domains.alice,
    );
    const now = new Date();
    const relayed = appendTrace(
      appendTrace(message.envelope, domains.alphaHost, 'mt2.alpha.test', now),
      domains.betaHost,
      'mt2.beta.test',
      now,
    );
    // bob@beta.test's account knows beta's CA only.
    const betaCa = certificatesToPem([domains.betaCa.certificate]);
    const check = async (trustedGatewayHosts: string[], envelope = relayed) =>
      securityView(
        await verifyIncoming(
          { envelope, headers: message.parts.headers },
          accountValidator(betaCa, { ...DEFAULT_SETTINGS.trust, trustedGatewayHosts }),
        ),
      );

    const unknown = await check([]);
    assert.equal(unknown.badge, 'failed');
    assert.deepEqual(
      unknown.trace.reasons.map((reason) => reason.code),
      ['TRACE_CERTIFICATE_INVALID'],
    );
    // Only the server that delivered the message stands in for the unknown CA.
    assert.equal((await check(['mt2.alpha.test'])).badge, 'failed');
    const trusted = await check(['mt2.beta.test']);
    assert.equal(trusted.trace.state, 'valid');
    assert.equal(trusted.badge, 'verified');
    assert.equal(trusted.certificate?.trustedBy, 'the trusted gateway mt2.beta.test');
    assert.equal(trusted.summary, 'Signed by alice@alpha.test; valid and trusted.');
    // The certificate details of the message say the same, judged with the delivering server.
    const gatewayTrusting = accountValidator(betaCa, {
      ...DEFAULT_SETTINGS.trust,
      trustedGatewayHosts: ['mt2.beta.test'],
    });
    const stored = await verifyIncoming(
      { envelope: relayed, headers: message.parts.headers },
      gatewayTrusting,
    );
    const certificate = parseCertificate(domains.alice.certificate.raw);
    const alone = await judge(certificate, [], gatewayTrusting, 'alice@alpha.test');
    assert.equal(alone.valid, false);
    const delivered = await judge(
      certificate,
      [],
      gatewayTrusting,
      'alice@alpha.test',
      deliveredBy(stored.trace),
    );
    assert.equal(delivered.valid, true);
    assert.equal(delivered.trustedBy, trusted.certificate.trustedBy);
    // A last hop that is not the gateway's own (signed by another CA) vouches for nothing.
    const impostor = appendTrace(
      appendTrace(message.envelope, domains.alphaHost, 'mt2.alpha.test', now),
      domains.impostorHost,
      'mt2.beta.test',
      now,
    );
    assert.equal((await check(['mt2.beta.test'], impostor)).badge, 'failed');
  });

  test('nothing checked yet is pending', () => {
    const view = securityView(undefined);
    assert.equal(view.badge, 'pending');
    assert.equal(view.summary, 'Not checked yet.');
  });
});

describe('composeMessage', () => {
  test('encrypts to every recipient when asked, and refuses an unknown recipient', async () => {
    const { pki, validator } = await setup();
    const encrypted = await composeMessage(
      { ...draft, encrypt: true },
      { credentials: pki.alice, recipientCertificate: () => pki.bob.certificate },
    );
    assert.equal(encrypted.encrypted, true);
    assert.ok(!Buffer.from(encrypted.headers).includes('Lunch?'));
    const view = securityView(
      await verifyIncoming(
        { envelope: encrypted.envelope, headers: encrypted.headers, body: encrypted.body },
        validator,
      ),
    );
    assert.deepEqual([...view.encryptedParts].sort(), ['body', 'headers']);
    assert.equal(view.badge, 'verified');
    await assert.rejects(
      composeMessage(
        { ...draft, encrypt: true },
        { credentials: pki.alice, recipientCertificate: () => undefined },
      ),
      { code: 'ENGINE_NO_RECIPIENT_CERTIFICATE' },
    );
  });
});

describe('CachingValidator', () => {
  test('reuses a verdict for the same chain, but never past the chain’s expiry', async () => {
    const pki = await enginePki();
    const validator = accountValidator(
      certificatesToPem([pki.ca.certificate]),
      DEFAULT_SETTINGS.trust,
    );
    const chain = [parseCertificate(pki.alice.certificate.raw)];
    const expected = { kind: 'user' as const, address: 'alice@alpha.test' };
    const first = await validator.validate({ chain, expected });
    assert.equal(first.valid, true);
    assert.equal(await validator.validate({ chain, expected }), first);
    const afterExpiry = new Date((chain[0]?.notAfter.getTime() ?? 0) + 1000);
    const late = await validator.validate({ chain, expected, at: afterExpiry });
    assert.equal(late.valid, false);
    assert.ok(late.validityReasons.some((reason) => reason.code === 'EXPIRED'));
    const other = await validator.validate({
      chain,
      expected: { kind: 'user', address: 'bob@alpha.test' },
    });
    assert.equal(other.valid, false);
  });
});
