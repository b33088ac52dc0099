// Messages the app itself would never send, delivered to its own embedded mt2d: signed
// with a certificate that expired, or with another person's certificate. They are built
// with src/identity from the embedded server's own CA and transferred in the user's
// session, as the engine test test/integration/engine/certificate-reasons.test.ts does.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressesOf,
  createCsr,
  domainCaFrom,
  generateRsaPrivateKey,
  importPkcs12,
  issueUserCertificate,
  parseCertificate,
  type Credentials,
  type DomainCa,
} from '../../../src/identity/index.ts';
import { encodeEnvelope } from '../../../src/message/index.ts';
import type { RunningWebApp } from '../../../main/web-host/web-app.ts';
import { connectUser, type TestIdentity } from '../../helpers/mt2d-process.ts';
import { buildSignedMessage, type BuiltMessage } from '../../helpers/signed-message.ts';

const DAY_MS = 86_400_000;
const TRANSFER_PASSWORD = 'crafted mail';

/** The app's user as a session on its embedded server, and that server's CA. */
export interface CraftedMail {
  readonly address: string;
  /** A certificate for `address` from the embedded CA, valid until yesterday. */
  expired(): Promise<Credentials>;
  /** A valid certificate from the embedded CA for another address of the domain. */
  someoneElse(localPart: string): Promise<Credentials>;
  /** Sends `subject` from the user to the user, signed with `signer` (whatever it names). */
  send(subject: string, signer: Credentials): Promise<void>;
}

async function userIdentity(app: RunningWebApp, accountId: string): Promise<TestIdentity> {
  const scratch = await mkdtemp(join(tmpdir(), 'mt2-e2e-crafted-'));
  try {
    const path = join(scratch, 'user.p12');
    await app.engine.api.exportIdentity({ accountId, path, p12Password: TRANSFER_PASSWORD });
    const credentials = importPkcs12(await readFile(path), TRANSFER_PASSWORD);
    const caCertificate = credentials.chain.at(-1);
    if (caCertificate === undefined) throw new Error('the identity has no CA certificate');
    return { credentials, caCertificate };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function embeddedCa(dataDir: string): Promise<DomainCa> {
  const dir = join(dataDir, 'mt2d', 'ca');
  return domainCaFrom({
    certificate: new X509Certificate(await readFile(join(dir, 'ca.pem'))),
    privateKey: createPrivateKey(await readFile(join(dir, 'ca.key'))),
    chain: [],
  });
}

async function issue(ca: DomainCa, address: string, notAfter?: Date): Promise<Credentials> {
  const privateKey = await generateRsaPrivateKey();
  const now = Date.now();
  return {
    certificate: issueUserCertificate(ca, createCsr(privateKey, { address }), {
      address,
      ...(notAfter === undefined ? {} : { notBefore: new Date(now - 30 * DAY_MS), notAfter }),
    }),
    privateKey,
    chain: [ca.certificate],
  };
}

/** Crafted mail for the app's first account. */
export async function craftedMail(app: RunningWebApp, dataDir: string): Promise<CraftedMail> {
  const [account] = (await app.engine.api.status({})).accounts;
  if (account === undefined) throw new Error('no account yet');
  const server = account.server;
  const domain = account.address.slice(account.address.indexOf('@') + 1);
  const [user, ca] = await Promise.all([userIdentity(app, account.id), embeddedCa(dataDir)]);
  const transfer = async (message: BuiltMessage) => {
    const connection = await connectUser(server, user, { hostname: `mt2.${domain}` });
    try {
      await connection.session.transferMessage(message.msgId, message.parts);
      await connection.session.quit();
    } finally {
      connection.destroy();
    }
  };
  return {
    address: account.address,
    expired: () => issue(ca, account.address, new Date(Date.now() - DAY_MS)),
    someoneElse: (localPart) => issue(ca, `${localPart}@${domain}`),
    async send(subject, signer) {
      const signerAddress = addressesOf(parseCertificate(signer.certificate.raw))[0] ?? '';
      // Our signer signs only as the certificate's own address: sign as that, send as the user.
      const built = await buildSignedMessage(
        { from: signerAddress, to: [account.address], subject, text: subject },
        signer,
      );
      const envelope = { ...built.envelope, sender: account.address };
      await transfer({
        ...built,
        envelope,
        parts: { ...built.parts, envelope: encodeEnvelope(envelope) },
      });
    },
  };
}
