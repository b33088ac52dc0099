import { certificatesToPem, exportPkcs12, importPkcs12 } from '../../identity/index.ts';
import { CliUsageError, type CliIo } from '../command.ts';
import {
  CREDENTIAL_OPTIONS,
  loadCredentials,
  parseOptions,
  passphraseOption,
  readInput,
  commandWithSubcommands,
  requiredOption,
  stringOption,
  writeOutput,
  writePrivateKey,
  keyProtection,
  KEY_OUTPUT_OPTIONS,
} from './identity-files.internal.ts';

const USAGE = `usage:
  mt2 p12 export --cert C.pem --key K.pem [--chain CA.pem]... [--passin SPEC] --passout SPEC
                 [--name FRIENDLY] [--legacy] --out F.p12
  mt2 p12 import --in F.p12 --passin SPEC [--passout SPEC | --nodes]
                 --out-cert C.pem --out-key K.pem [--out-chain CHAIN.pem]

export writes key, certificate and chain as PKCS#12 (AES-256; --legacy: 3DES for old
readers). import reads OpenSSL's default and -legacy files; the key is written as
encrypted PKCS#8 with --passout (default: the --passin passphrase), or unencrypted
with --nodes. SPEC is pass:TEXT, env:VAR or file:PATH (as openssl's -passin).`;

async function exportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    ...CREDENTIAL_OPTIONS,
    passout: { type: 'string' },
    name: { type: 'string' },
    legacy: { type: 'boolean' },
    out: { type: 'string' },
  });
  if (stringOption(values, 'p12') !== undefined)
    throw new CliUsageError('export takes --cert and --key');
  const passout = await passphraseOption(values, 'passout');
  if (passout === undefined) throw new CliUsageError('--passout is required');
  const credentials = await loadCredentials(values);
  const friendlyName = stringOption(values, 'name');
  const file = exportPkcs12(credentials, passout, {
    legacy: values['legacy'] === true,
    ...(friendlyName === undefined ? {} : { friendlyName }),
  });
  await writeOutput(requiredOption(values, 'out'), file, true);
  io.out(
    `exported ${credentials.certificate.subject} with ${credentials.chain.length} chain certificate(s)`,
  );
  return 0;
}

async function importCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    in: { type: 'string' },
    passin: { type: 'string' },
    ...KEY_OUTPUT_OPTIONS,
    'out-cert': { type: 'string' },
    'out-key': { type: 'string' },
    'out-chain': { type: 'string' },
  });
  const passin = await passphraseOption(values, 'passin');
  if (passin === undefined) throw new CliUsageError('--passin is required');
  const protection = await keyProtection(values, passin);
  const certPath = requiredOption(values, 'out-cert');
  const keyPath = requiredOption(values, 'out-key');
  const credentials = importPkcs12(await readInput(requiredOption(values, 'in')), passin);
  await writePrivateKey(keyPath, credentials.privateKey, protection);
  await writeOutput(certPath, certificatesToPem([credentials.certificate]));
  const chainPath = stringOption(values, 'out-chain');
  if (chainPath !== undefined) await writeOutput(chainPath, certificatesToPem(credentials.chain));
  io.out(
    `imported ${credentials.certificate.subject} (${credentials.chain.length} chain certificate(s)); key ${protection.passphrase === undefined ? 'NOT encrypted' : 'encrypted'}`,
  );
  return 0;
}

/** `mt2 p12 export|import`: PKCS#12 files in and out. */
export const p12Command = commandWithSubcommands({
  name: 'p12',
  summary: 'export and import PKCS#12 files',
  usage: USAGE,
  subcommands: { export: exportCommand, import: importCommand },
});
