// `mt2 cert verify`: validates a certificate from a shell, printing the verdict and
// its reasons. Exit 0 when valid, 1 otherwise (and on bad input or usage).
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  caStoreOf,
  CertificateInputError,
  formatVerdict,
  IdentityValidator,
  MAX_CRL_BYTES,
  parseCertificates,
  readCrls,
  type ExpectedIdentity,
  type ParsedCertificate,
  type ParsedCrl,
} from '../../identity/index.ts';
import { CliUsageError, type CliCommand, type CliIo } from '../command.ts';

const VERIFY_USAGE = `usage: mt2 cert verify --trust CA.pem [--untrusted INT.pem ...] [--crl X.crl ...]
                      [--at ISO-TIME] [--email ADDR | --host NAME] CERT.pem

Validates CERT.pem (PEM or DER) against the CA certificates of --trust (the local CA
store), with --untrusted certificates as possible intermediates and --crl CRLs
(PEM or DER; checked when given). --at validates at that time instead of now.
--email checks a user certificate bound to ADDR (emailProtection); --host a host
certificate bound to NAME (serverAuth). Prints the verdict and its reasons.
Exits 0 when the certificate is valid, 1 otherwise.`;

const USAGE = `usage: mt2 cert verify ...   (mt2 cert verify --help for details)

${VERIFY_USAGE}`;

/** Largest input file read, in bytes: a CRL at its limit, as PEM (base64 adds a third). */
const MAX_INPUT_FILE_BYTES = Math.ceil((MAX_CRL_BYTES * 4) / 3) + 4096;

async function readLimited(path: string): Promise<Uint8Array> {
  if ((await stat(path)).size > MAX_INPUT_FILE_BYTES) {
    throw new CertificateInputError(
      'INPUT_TOO_LARGE',
      `${path} is over ${MAX_INPUT_FILE_BYTES} bytes`,
    );
  }
  return readFile(path);
}

async function readAll<T>(
  paths: readonly string[],
  read: (bytes: Uint8Array) => T[],
): Promise<T[]> {
  const lists = await Promise.all(paths.map(async (path) => read(await readLimited(path))));
  return lists.flat();
}

interface VerifyRequest {
  readonly trust: readonly string[];
  readonly untrusted: readonly string[];
  readonly crls: readonly string[];
  readonly at: Date | undefined;
  readonly expected: ExpectedIdentity | undefined;
  readonly certificate: string;
}

function parseVerifyArgs(args: readonly string[]): VerifyRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        trust: { type: 'string', multiple: true },
        untrusted: { type: 'string', multiple: true },
        crl: { type: 'string', multiple: true },
        at: { type: 'string' },
        email: { type: 'string' },
        host: { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [certificate, ...extra] = positionals;
  if (certificate === undefined || extra.length > 0)
    throw new CliUsageError('give exactly one CERT.pem');
  if (values.trust === undefined) throw new CliUsageError('--trust CA.pem is required');
  if (values.email !== undefined && values.host !== undefined)
    throw new CliUsageError('give --email or --host, not both');
  let at: Date | undefined;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.at) || Number.isNaN(at.getTime())) {
      throw new CliUsageError(`--at '${values.at}' is not an ISO 8601 time`);
    }
  }
  let expected: ExpectedIdentity | undefined;
  if (values.email !== undefined) expected = { kind: 'user', address: values.email };
  if (values.host !== undefined) expected = { kind: 'host', hostname: values.host };
  return {
    trust: values.trust,
    untrusted: values.untrusted ?? [],
    crls: values.crl ?? [],
    at,
    expected,
    certificate,
  };
}

async function verify(args: readonly string[], io: CliIo): Promise<number> {
  const request = parseVerifyArgs(args);
  let cas: ParsedCertificate[];
  let chain: ParsedCertificate[];
  let crls: ParsedCrl[];
  try {
    cas = await readAll(request.trust, parseCertificates);
    chain = [
      ...(await readAll([request.certificate], parseCertificates)),
      ...(await readAll(request.untrusted, parseCertificates)),
    ];
    crls = await readAll(request.crls, readCrls);
  } catch (error) {
    if (error instanceof CertificateInputError) {
      io.err(`mt2 cert verify: ${error.code}: ${error.message}`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') {
      io.err(`mt2 cert verify: ${code}: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
  const validator = new IdentityValidator({ store: caStoreOf(cas, false) });
  const verdict = await validator.validate({
    chain,
    crls,
    ...(request.at === undefined ? {} : { at: request.at }),
    ...(request.expected === undefined ? {} : { expected: request.expected }),
  });
  io.out(formatVerdict(verdict));
  return verdict.valid ? 0 : 1;
}

/** `mt2 cert`: certificate commands (verify). */
export const certCommand: CliCommand = {
  name: 'cert',
  summary: 'certificates: verify',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'verify') return verify(rest, io);
    throw new CliUsageError(
      sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`,
    );
  },
};
