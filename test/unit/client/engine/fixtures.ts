// A domain CA and users under it, made with src/identity's issuing functions, for the
// engine's unit tests (signing, verification, composing).
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
