import {
  decryptCms,
  encryptCms,
  signCms,
  verifyCms,
  type CmsContentCipher,
} from '../../identity/index.ts';
import { CliUsageError, type CliIo } from '../command.ts';
import {
  CREDENTIAL_OPTIONS,
  listOption,
  loadCertificates,
  loadCredentials,
  parseOptions,
  readInput,
  commandWithSubcommands,
  requiredOption,
  stringOption,
  writeOutput,
} from './identity-files.internal.ts';

const USAGE = `usage:
  mt2 cms sign    (--cert C.pem --key K.pem [--chain CA.pem]... | --p12 F.p12) [--passin SPEC]
                  [--attached] --in FILE --out SIGNED.der
  mt2 cms verify  [--content FILE] [--trust CA.pem]... [--certfile C.pem]... [--out FILE] SIGNED.der
  mt2 cms encrypt --recip CERT.pem [--recip CERT.pem]... [--cipher aes-128-cbc|aes-192-cbc|aes-256-cbc]
                  [--oaep] --in FILE --out ENVELOPED.der
  mt2 cms decrypt (--cert C.pem --key K.pem | --p12 F.p12) [--passin SPEC] --in ENVELOPED.der --out FILE

CMS (RFC 5652) in DER files. sign makes SignedData (detached unless --attached);
verify checks the digest and signature, and with --trust that the signer chains to a
given CA (full certificate validation is 'mt2 cert verify'); exit 0 valid, 1 not.
encrypt makes EnvelopedData to every --recip (--oaep: RSA-OAEP SHA-256 key transport
instead of PKCS#1 v1.5); decrypt opens it.
SPEC is pass:TEXT, env:VAR or file:PATH (as openssl's -passin).`;

const CIPHERS: readonly CmsContentCipher[] = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc'];

async function sign(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    ...CREDENTIAL_OPTIONS,
    attached: { type: 'boolean' },
    in: { type: 'string' },
    out: { type: 'string' },
  });
  const content = await readInput(requiredOption(values, 'in'));
  const signer = await loadCredentials(values);
  const signed = signCms(content, signer, { detached: values['attached'] !== true });
  await writeOutput(requiredOption(values, 'out'), signed);
  io.out(`signed ${content.length} bytes as ${signer.certificate.subject}`);
  return 0;
}

async function verify(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    content: { type: 'string' },
    trust: { type: 'string', multiple: true },
    certfile: { type: 'string', multiple: true },
    out: { type: 'string' },
  });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) throw new CliUsageError('give one SIGNED.der');
  const contentPath = stringOption(values, 'content');
  const trust = listOption(values, 'trust');
  const result = verifyCms(await readInput(path), {
    ...(contentPath === undefined ? {} : { content: await readInput(contentPath) }),
    extraCertificates: await loadCertificates(listOption(values, 'certfile')),
    ...(trust.length === 0 ? {} : { trustAnchors: await loadCertificates(trust) }),
  });
  const out = stringOption(values, 'out');
  if (out !== undefined) await writeOutput(out, result.content);
  for (const signer of result.signers) {
    const when =
      signer.signingTime === undefined ? '' : `, signed ${signer.signingTime.toISOString()}`;
    io.out(`signer: ${signer.certificate.subject} (${signer.digestAlgorithm}${when})`);
  }
  io.out(
    trust.length === 0
      ? 'verified (signature only: no --trust given)'
      : 'verified: signer chains to a trusted CA',
  );
  return 0;
}

async function encrypt(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    recip: { type: 'string', multiple: true },
    cipher: { type: 'string' },
    oaep: { type: 'boolean' },
    in: { type: 'string' },
    out: { type: 'string' },
  });
  const recipients = await loadCertificates(listOption(values, 'recip'));
  if (recipients.length === 0) throw new CliUsageError('give at least one --recip');
  const cipherName = stringOption(values, 'cipher') ?? 'aes-256-cbc';
  const cipher = CIPHERS.find((candidate) => candidate === cipherName);
  if (cipher === undefined) throw new CliUsageError(`unknown cipher ${cipherName}`);
  const content = await readInput(requiredOption(values, 'in'));
  await writeOutput(
    requiredOption(values, 'out'),
    encryptCms(content, recipients, {
      cipher,
      keyTransport: values['oaep'] === true ? 'rsa-oaep-sha256' : 'rsa-pkcs1-v1_5',
    }),
  );
  io.out(`encrypted ${content.length} bytes to ${recipients.length} recipient(s)`);
  return 0;
}

async function decrypt(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    ...CREDENTIAL_OPTIONS,
    in: { type: 'string' },
    out: { type: 'string' },
  });
  const enveloped = await readInput(requiredOption(values, 'in'));
  const recipient = await loadCredentials(values);
  const content = decryptCms(enveloped, recipient);
  await writeOutput(requiredOption(values, 'out'), content);
  io.out(`decrypted ${content.length} bytes for ${recipient.certificate.subject}`);
  return 0;
}

/** `mt2 cms sign|verify|encrypt|decrypt`: CMS on DER files. */
export const cmsCommand = commandWithSubcommands({
  name: 'cms',
  summary: 'sign, verify, encrypt and decrypt CMS (DER files)',
  usage: USAGE,
  subcommands: { sign, verify, encrypt, decrypt },
});
