// Messages that fail on their certificate, crafted here with src/identity and delivered
// through a real mt2d: signed with a certificate that expired, signed with someone
// else's certificate (subject is not the sender), and from an issuer the user then
// blacklists. Each shows its reason on the message, and the same words in the manager.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageView } from '../../../src/api/index.ts';
import {
  createCsr,
  domainCaFrom,
  generateRsaPrivateKey,
  importPkcs12,
  issueUserCertificate,
  type Credentials,
} from '../../../src/identity/index.ts';
import { aliceSends, remoteSetup, type RemoteSetup } from '../../helpers/engine-harness.ts';
import { connectUser } from '../../helpers/mt2d-process.ts';
import { buildSignedMessage, type BuiltMessage } from '../../helpers/signed-message.ts';
import { encodeEnvelope } from '../../../src/message/index.ts';

const DAY_MS = 86_400_000;
let setup: RemoteSetup;
let expired: Credentials;

/** Alice's session transfers `message`. */
async function transfer(message: BuiltMessage): Promise<void> {
  const connection = await connectUser(setup.server, setup.alice, {
    hostname: setup.mt2d.hostname,
  });
  try {
    await connection.session.transferMessage(message.msgId, message.parts);
    await connection.session.quit();
  } finally {
    connection.destroy();
  }
}

/** One message from alice, signed with `signer`. */
function signedBy(subject: string, signer: Credentials): Promise<BuiltMessage> {
  return buildSignedMessage(
    { from: setup.alice.address, to: ['bob@alpha.test'], subject, text: subject },
    signer,
  );
}

async function opened(subject: string): Promise<MessageView> {
  await setup.engine.syncNow({});
  const inbox = await setup.engine.listMessages({ folder: 'inbox', limit: 50 });
  const item = inbox.items.find((candidate) => candidate.subject === subject);
  assert.ok(item !== undefined, `"${subject}" did not arrive`);
  await setup.engine.openBody({ ref: item.ref });
  return setup.engine.getMessage({ ref: item.ref });
}

const reasonTexts = (message: MessageView) =>
  [...message.security.signature.reasons, ...(message.security.certificate?.reasons ?? [])].map(
    (reason) => reason.text,
  );

describe('certificate failures on messages and in the manager', () => {
  before(async () => {
    setup = await remoteSetup();
    const ca = domainCaFrom({
      certificate: new X509Certificate(await readFile(join(setup.mt2d.dir, 'ca', 'ca.pem'))),
      privateKey: createPrivateKey(await readFile(join(setup.mt2d.dir, 'ca', 'ca.key'))),
      chain: [],
    });
    const privateKey = await generateRsaPrivateKey();
    const now = Date.now();
    expired = {
      certificate: issueUserCertificate(
        ca,
        createCsr(privateKey, { address: setup.alice.address }),
        {
          address: setup.alice.address,
          notBefore: new Date(now - 30 * DAY_MS),
          notAfter: new Date(now - DAY_MS),
        },
      ),
      privateKey,
      chain: [ca.certificate],
    };
  });
  after(() => setup.cleanup());

  test('the server the engine connected to is listed with its host certificate', async () => {
    await setup.engine.syncNow({});
    const { servers } = await setup.engine.listCertificates({});
    const server = servers.find((item) => item.certificate.subject === setup.mt2d.hostname);
    assert.ok(server !== undefined, JSON.stringify(servers.map((item) => item.certificate)));
    assert.equal(server.certificate.kind, 'host');
    assert.equal(server.valid, true, server.summary);
    const details = await setup.engine.certificateDetails({
      fingerprint: server.certificate.fingerprint,
    });
    assert.ok(details.subjectAltNames.some((name) => name.includes(setup.mt2d.hostname)));
  });

  test('a certificate that expired: the message fails, and the manager says the same', async () => {
    await transfer(await signedBy('Expired signer', expired));
    const message = await opened('Expired signer');
    assert.equal(message.security.badge, 'failed');
    const certificate = message.security.certificate;
    assert.ok(certificate !== undefined, 'the signer certificate is judged');
    assert.equal(certificate.valid, false);
    assert.ok(
      certificate.reasons.some((reason) => /expired/i.test(reason.text)),
      JSON.stringify(certificate.reasons),
    );
    const details = await setup.engine.importCertificate({ data: expired.certificate.toString() });
    assert.equal(details.certificate.fingerprint, certificate.certificate.fingerprint);
    assert.equal(details.valid, false);
    assert.deepEqual(
      details.reasons.map((reason) => reason.text),
      certificate.reasons.map((reason) => reason.text),
    );
    const people = (await setup.engine.listCertificates({})).people;
    assert.ok(
      people.some(
        (item) => item.certificate.fingerprint === details.certificate.fingerprint && !item.valid,
      ),
    );
  });

  test('a certificate whose subject is not the sender: the message says so', async () => {
    // Signed by bob as bob (our signer refuses anything else), then sent as alice.
    const bob = importPkcs12(setup.bobP12, setup.bobP12Password);
    const asBob = await buildSignedMessage(
      { from: 'bob@alpha.test', to: ['bob@alpha.test'], subject: 'Someone else’s certificate' },
      bob,
    );
    const envelope = { ...asBob.envelope, sender: setup.alice.address };
    await transfer({
      ...asBob,
      envelope,
      parts: { ...asBob.parts, envelope: encodeEnvelope(envelope) },
    });
    const message = await opened('Someone else’s certificate');
    assert.equal(message.security.badge, 'failed');
    const texts = reasonTexts(message);
    assert.ok(
      message.security.signature.reasons.some((reason) => reason.code === 'SENDER_NOT_BOUND'),
      JSON.stringify(texts),
    );
    assert.ok(texts.includes("The sender's certificate is for another address than the sender's."));
  });

  test('an issuer blacklisted after the message arrived: on open it fails with that reason', async () => {
    await aliceSends(setup, 1, { subject: 'Before the blacklist' });
    assert.equal((await opened('Before the blacklist')).security.badge, 'verified');
    const settings = await setup.engine.trustSettings({});
    await setup.engine.setTrustSettings({
      blacklistedIssuerDomains: ['alpha.test'],
      vouchedAddresses: [...settings.vouchedAddresses],
      trustedGatewayHosts: [...settings.trustedGatewayHosts],
      delegatedValidation: false,
    });
    const message = await opened('Before the blacklist');
    assert.notEqual(message.security.badge, 'verified');
    const certificate = message.security.certificate;
    assert.ok(certificate !== undefined);
    const [mine] = (await setup.engine.listCertificates({})).mine;
    assert.ok(mine !== undefined);
    assert.equal(mine.trusted && mine.valid, false, 'the manager shows the blacklist too');
    assert.ok(
      certificate.reasons.some((reason) => /alpha\.test/.test(reason.text)),
      JSON.stringify(certificate.reasons),
    );
  });
});
