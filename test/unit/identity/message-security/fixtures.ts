// Shared by the message-security tests: real certificates from src/identity's issuing
// functions (one domain CA, users, hosts, a process) and the real validator.
import {
  caStoreOf,
  createCsr,
  createHostCredentials,
  createProcessCredentials,
  generateRsaPrivateKey,
  IdentityValidator,
  issueUserCertificate,
  parseCertificate,
  type Credentials,
  type DomainCa,
  type MessageParts,
  type ValidityOptions,
} from '../../../../src/identity/index.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  encodeHeaders,
  type Mt2Envelope,
} from '../../../../src/message/index.ts';
import { testPki, type TestPki } from '../helpers.ts';

/** The shared PKI plus a relay host (ECDSA P-256 key), a process identity and an expired user. */
export interface MessagePki extends TestPki {
  readonly relay: Credentials;
  readonly process: Credentials;
  /** carol@example.com, whose certificate expired yesterday. */
  readonly expiredCarol: Credentials;
  /** A validator whose local CA store holds the example.com CA. */
  readonly validator: IdentityValidator;
}

/** A user certificate under `ca` for `address`, with a fresh key. */
export async function userUnder(
  ca: DomainCa,
  address: string,
  validity: ValidityOptions = {},
): Promise<Credentials> {
  const privateKey = await generateRsaPrivateKey();
  const csr = createCsr(privateKey, { address });
  const certificate = issueUserCertificate(ca, csr, { ...validity, address });
  return { certificate, privateKey, chain: [ca.certificate] };
}

const DAY_MS = 24 * 60 * 60 * 1000;
let shared: Promise<MessagePki> | undefined;

/** Made once per test file. */
export function messagePki(): Promise<MessagePki> {
  shared ??= (async () => {
    const base = await testPki();
    const now = Date.now();
    const [relay, process, expiredCarol] = await Promise.all([
      createHostCredentials(base.ca, 'relay.example.com', { keyType: 'ec' }),
      createProcessCredentials(base.ca, { process: 'process' }),
      userUnder(base.ca, 'carol@example.com', {
        notBefore: new Date(now - 10 * DAY_MS),
        notAfter: new Date(now - DAY_MS),
      }),
    ]);
    const store = caStoreOf([parseCertificate(base.ca.certificate.raw)], true);
    return { ...base, relay, process, expiredCarol, validator: new IdentityValidator({ store }) };
  })();
  return shared;
}

/** Alice's message to Bob: headers with a Subject, a small MIME body, no signature yet. */
export function aliceToBob(sender = 'alice@example.com'): MessageParts {
  const envelope: Mt2Envelope = {
    messageId: 'm1@example.com',
    sender,
    recipients: ['bob@example.com'],
    control: false,
    trace: [],
    extensions: [],
  };
  return {
    envelope,
    headers: encodeHeaders({
      fields: [{ kind: 'subject', text: 'Secret plans for Tuesday' }],
      extensions: [],
    }),
    body: Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nMeet at noon.\r\n'),
  };
}

/** The envelope as it arrives: encoded to XML and decoded again. */
export function roundTrip(envelope: Mt2Envelope): Mt2Envelope {
  return decodeEnvelope(encodeEnvelope(envelope));
}

/** The envelope's sender signature; fails the test when there is none. */
export function signatureOf(envelope: Mt2Envelope): Uint8Array {
  if (envelope.signature === undefined) throw new Error('the envelope is not signed');
  return envelope.signature;
}
