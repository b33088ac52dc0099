import type { X509Certificate } from 'node:crypto';
import {
  createDomainCa,
  createHostCredentials,
  createProcessCredentials,
  domainCaFrom,
  issueUserCertificate,
  readCertificate,
  readPrivateKey,
  type DomainCa,
} from '../../identity/index.ts';
import { CliUsageError, type CliIo } from '../command.ts';
import {
  KEY_OUTPUT_OPTIONS,
  keyProtection,
  parseOptions,
  passphraseOption,
  readInput,
  commandWithSubcommands,
  requiredOption,
  stringOption,
  writeOutput,
  writePrivateKey,
  type ParsedOptions,
} from './identity-files.internal.ts';

const USAGE = `usage:
  mt2 ca init    --domain DOMAIN [--path-length N] --out-cert CA.pem --out-key CA.key KEYOUT
  mt2 ca host    CA --hostname HOST --out-cert HOST.pem --out-key HOST.key KEYOUT
  mt2 ca process CA [--process NAME] [--domain DOMAIN] --out-cert P.pem --out-key P.key KEYOUT
  mt2 ca sign    CA --csr REQUEST.csr --address USER@DOMAIN --out-cert USER.pem

CA is --ca-cert CA.pem --ca-key CA.key [--passin SPEC]; KEYOUT is --passout SPEC (the
new key is stored as encrypted PKCS#8) or --nodes (unencrypted). init makes a domain CA
(issuerAltName and name constraints = the domain); host makes a host key and
certificate (dNSName = the hostname); process makes the host's process@domain user
certificate (default mt2d@ the CA's domain); sign certifies a user's CSR (made with
'mt2 csr' on the user's machine) for the address. SPEC is pass:TEXT, env:VAR or file:PATH.`;

const CA_OPTIONS = {
  'ca-cert': { type: 'string' },
  'ca-key': { type: 'string' },
  passin: { type: 'string' },
} as const;

async function loadCa(values: ParsedOptions): Promise<DomainCa> {
  const certificate = readCertificate(await readInput(requiredOption(values, 'ca-cert')));
  const privateKey = readPrivateKey(
    await readInput(requiredOption(values, 'ca-key')),
    await passphraseOption(values, 'passin'),
  );
  return domainCaFrom({ certificate, privateKey, chain: [] });
}

function describe(certificate: X509Certificate): string {
  return `${certificate.subject} (serial ${certificate.serialNumber}, until ${certificate.validTo})`;
}

async function init(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    domain: { type: 'string' },
    'path-length': { type: 'string' },
    'out-cert': { type: 'string' },
    'out-key': { type: 'string' },
    ...KEY_OUTPUT_OPTIONS,
  });
  const protection = await keyProtection(values);
  const pathLengthText = stringOption(values, 'path-length');
  const pathLength = pathLengthText === undefined ? undefined : Number(pathLengthText);
  if (pathLength !== undefined && !(Number.isInteger(pathLength) && pathLength >= 0)) {
    throw new CliUsageError('--path-length must be a non-negative integer');
  }
  const certPath = requiredOption(values, 'out-cert');
  const keyPath = requiredOption(values, 'out-key');
  const domain = requiredOption(values, 'domain');
  const ca = await createDomainCa({ domain, ...(pathLength === undefined ? {} : { pathLength }) });
  await writePrivateKey(keyPath, ca.privateKey, protection);
  await writeOutput(certPath, ca.certificate.toString());
  io.out(`domain CA ${describe(ca.certificate)}`);
  return 0;
}

async function host(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    ...CA_OPTIONS,
    hostname: { type: 'string' },
    'out-cert': { type: 'string' },
    'out-key': { type: 'string' },
    ...KEY_OUTPUT_OPTIONS,
  });
  const protection = await keyProtection(values);
  const hostname = requiredOption(values, 'hostname');
  const [certPath, keyPath] = [
    requiredOption(values, 'out-cert'),
    requiredOption(values, 'out-key'),
  ];
  const credentials = await createHostCredentials(await loadCa(values), hostname);
  await writePrivateKey(keyPath, credentials.privateKey, protection);
  await writeOutput(certPath, credentials.certificate.toString());
  io.out(`host certificate ${describe(credentials.certificate)}`);
  return 0;
}

async function processCertificate(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    ...CA_OPTIONS,
    process: { type: 'string' },
    domain: { type: 'string' },
    'out-cert': { type: 'string' },
    'out-key': { type: 'string' },
    ...KEY_OUTPUT_OPTIONS,
  });
  const protection = await keyProtection(values);
  const [certPath, keyPath] = [
    requiredOption(values, 'out-cert'),
    requiredOption(values, 'out-key'),
  ];
  const processName = stringOption(values, 'process');
  const domain = stringOption(values, 'domain');
  const credentials = await createProcessCredentials(await loadCa(values), {
    ...(processName === undefined ? {} : { process: processName }),
    ...(domain === undefined ? {} : { domain }),
  });
  await writePrivateKey(keyPath, credentials.privateKey, protection);
  await writeOutput(certPath, credentials.certificate.toString());
  io.out(`process certificate ${describe(credentials.certificate)}`);
  return 0;
}

async function sign(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    ...CA_OPTIONS,
    csr: { type: 'string' },
    address: { type: 'string' },
    'out-cert': { type: 'string' },
  });
  const address = requiredOption(values, 'address');
  const certPath = requiredOption(values, 'out-cert');
  const csr = (await readInput(requiredOption(values, 'csr'))).toString('utf8');
  const certificate = issueUserCertificate(await loadCa(values), csr, { address });
  await writeOutput(certPath, certificate.toString());
  io.out(`user certificate ${describe(certificate)} for ${address}`);
  return 0;
}

/** `mt2 ca init|host|process|sign`: a domain CA and the certificates it issues. */
export const caCommand = commandWithSubcommands({
  name: 'ca',
  summary: 'create a domain CA; issue host, process and user certificates',
  usage: USAGE,
  subcommands: { init, host, process: processCertificate, sign },
});
