// A domain CA and users under it, made with src/identity's issuing functions, and a
// draft from alice to bob, for the engine's unit tests (signing, verification, composing).
import type { DraftInput } from '../../../../src/api/index.ts';
import {
  createCsr,
  createDomainCa,
  createHostCredentials,
  generateRsaPrivateKey,
  issueUserCertificate,
  type Credentials,
  type DomainCa,
} from '../../../../src/identity/index.ts';

export interface EnginePki {
  readonly ca: DomainCa;
  readonly alice: Credentials;
  readonly bob: Credentials;
  readonly host: Credentials;
}

async function user(ca: DomainCa, address: string): Promise<Credentials> {
  const privateKey = await generateRsaPrivateKey();
  const certificate = issueUserCertificate(ca, createCsr(privateKey, { address }), { address });
  return { certificate, privateKey, chain: [ca.certificate] };
}

let shared: Promise<EnginePki> | undefined;

/** Made once per test file. */
export function enginePki(): Promise<EnginePki> {
  shared ??= (async () => {
    const ca = await createDomainCa({ domain: 'alpha.test' });
    const [alice, bob, host] = await Promise.all([
      user(ca, 'alice@alpha.test'),
      user(ca, 'bob@alpha.test'),
      createHostCredentials(ca, 'mt2.alpha.test'),
    ]);
    return { ca, alice, bob, host };
  })();
  return shared;
}

/** A signed, unencrypted draft from alice (account a1) to bob. */
export const draft: DraftInput = {
  accountId: 'a1',
  to: ['bob@alpha.test'],
  cc: [],
  subject: 'Lunch?',
  text: 'At noon.',
  attachments: [],
  sign: true,
  encrypt: false,
  requestReadNotification: false,
};
