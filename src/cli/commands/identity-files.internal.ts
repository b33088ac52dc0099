// What the identity commands (cms, p12) share: option parsing, passphrase sources,
// reading credentials from files, and turning failures into exit codes.
import type { KeyObject } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  encryptPrivateKey,
  IdentityError,
  importPkcs12,
  privateKeyToPem,
  MAX_CMS_INPUT_BYTES,
  MAX_CREDENTIAL_INPUT_BYTES,
  readCertificate,
  readCertificates,
  readPrivateKey,
  type Credentials,
} from '../../identity/index.ts';
import { CliUsageError, type CliCommand, type CliIo } from '../command.ts';

/** Parsed options: strings, booleans and repeated strings, as declared. */
export type ParsedOptions = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** parseArgs in strict mode, with its errors turned into usage errors. */
export function parseOptions(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
): { values: ParsedOptions; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A string option, or undefined. */
export function stringOption(values: ParsedOptions, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A string option that must be present. */
export function requiredOption(values: ParsedOptions, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined) throw new CliUsageError(`--${name} is required`);
  return value;
}

/** A repeatable string option, as a list (empty when absent). */
export function listOption(values: ParsedOptions, name: string): string[] {
  const value = values[name];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item) => typeof item === 'string');
}

/** Reads a file of at most `limitBytes` (default: the CMS limit, 64 MiB). */
export async function readInput(path: string, limitBytes = MAX_CMS_INPUT_BYTES): Promise<Buffer> {
  const { size } = await stat(path);
  if (size > limitBytes) {
    throw new IdentityError(
      'IDENTITY_INPUT_TOO_LARGE',
      `${path} is larger than ${limitBytes} bytes`,
    );
  }
  return readFile(path);
}

/** Writes an output file, private (mode 0600) when it holds a key. */
export async function writeOutput(path: string, content: string | Uint8Array, secret = false) {
  await writeFile(path, content, secret ? { mode: 0o600 } : {});
}

/**
 * Reads a passphrase given as openssl does: `pass:TEXT`, `env:VAR` or `file:PATH`
 * (its first line). Prefer env: or file:, since pass: shows in the process list.
 */
export async function readPassphrase(spec: string): Promise<string> {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (kind === 'pass') return rest;
  if (kind === 'env') {
    const value = process.env[rest];
    if (value === undefined) throw new CliUsageError(`environment variable ${rest} is not set`);
    return value;
  }
  if (kind === 'file') {
    const text = (await readInput(rest, MAX_CREDENTIAL_INPUT_BYTES)).toString('utf8');
    return text.split(/\r?\n/)[0] ?? '';
  }
  throw new CliUsageError(`passphrase '${spec}' is not pass:TEXT, env:VAR or file:PATH`);
}

/** An optional passphrase option. */
export async function passphraseOption(
  values: ParsedOptions,
  name: string,
): Promise<string | undefined> {
  const spec = stringOption(values, name);
  return spec === undefined ? undefined : readPassphrase(spec);
}

/** The options through which a command is given its own credentials. */
export const CREDENTIAL_OPTIONS = {
  cert: { type: 'string' },
  key: { type: 'string' },
  chain: { type: 'string', multiple: true },
  p12: { type: 'string' },
  passin: { type: 'string' },
} as const;

/** Loads credentials from --p12 FILE, or --cert and --key (and --chain), with --passin. */
export async function loadCredentials(values: ParsedOptions): Promise<Credentials> {
  const passphrase = await passphraseOption(values, 'passin');
  const p12 = stringOption(values, 'p12');
  if (p12 !== undefined) {
    if (passphrase === undefined) throw new CliUsageError('--p12 needs --passin');
    return importPkcs12(await readInput(p12, MAX_CREDENTIAL_INPUT_BYTES), passphrase);
  }
  const certificate = readCertificate(await readInput(requiredOption(values, 'cert')));
  const privateKey = readPrivateKey(await readInput(requiredOption(values, 'key')), passphrase);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new IdentityError('IDENTITY_KEY_MISMATCH', 'the key does not belong to the certificate');
  }
  const chain = [];
  for (const path of listOption(values, 'chain'))
    chain.push(...readCertificates(await readInput(path)));
  return { certificate, privateKey, chain };
}

/** How a new key file is protected: a passphrase, or explicitly none (--nodes). */
export type KeyProtection = { readonly passphrase: string } | { readonly passphrase?: never };

/**
 * Reads --passout / --nodes before any work is done: one of the two must be given (a key
 * is never left open by default), or `defaultPassphrase` stands in for --passout.
 */
export async function keyProtection(
  values: ParsedOptions,
  defaultPassphrase?: string,
): Promise<KeyProtection> {
  const unencrypted = values['nodes'] === true;
  const passout = await passphraseOption(values, 'passout');
  if (unencrypted && passout !== undefined)
    throw new CliUsageError('--nodes and --passout conflict');
  if (unencrypted) return {};
  const passphrase = passout ?? defaultPassphrase;
  if (passphrase === undefined) throw new CliUsageError('give --passout or --nodes');
  return { passphrase };
}

/** Writes a private key (mode 0600) as encrypted or plain PKCS#8 PEM. */
export async function writePrivateKey(
  path: string,
  privateKey: KeyObject,
  protection: KeyProtection,
): Promise<void> {
  const pem =
    protection.passphrase === undefined
      ? privateKeyToPem(privateKey)
      : await encryptPrivateKey(privateKey, protection.passphrase);
  await writeOutput(path, pem, true);
}

/** The options keyProtection reads. */
export const KEY_OUTPUT_OPTIONS = {
  passout: { type: 'string' },
  nodes: { type: 'boolean' },
} as const;

/** Reads every certificate of every file given. */
export async function loadCertificates(paths: readonly string[]) {
  const certificates = [];
  for (const path of paths) certificates.push(...readCertificates(await readInput(path)));
  return certificates;
}

/**
 * Runs a command body: an IdentityError or a file error is printed as
 * `<command>: <CODE>: <message>` and gives exit code 1; usage errors go to the dispatcher.
 */
export async function reportFailures(
  command: string,
  io: CliIo,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof IdentityError) {
      io.err(`${command}: ${error.code}: ${error.message}`);
      return 1;
    }
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      'path' in error
    ) {
      io.err(`${command}: ${error.message}`); // node's message starts with the code (ENOENT: ...)
      return 1;
    }
    throw error;
  }
}

type Subcommand = (args: readonly string[], io: CliIo) => Promise<number>;

/**
 * A command made of subcommands (`mt2 ca init ...`): picks the subcommand by its first
 * argument and reports the identity and file failures of whichever runs.
 */
export function commandWithSubcommands(spec: {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly subcommands: Readonly<Record<string, Subcommand>>;
}): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    run(args, io) {
      const [name, ...rest] = args;
      const subcommand =
        name !== undefined && Object.hasOwn(spec.subcommands, name)
          ? spec.subcommands[name]
          : undefined;
      if (name === undefined || subcommand === undefined) {
        throw new CliUsageError(
          name === undefined ? 'missing subcommand' : `unknown subcommand '${name}'`,
        );
      }
      return reportFailures(`mt2 ${spec.name} ${name}`, io, () => subcommand(rest, io));
    },
  };
}
