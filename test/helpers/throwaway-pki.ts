// Throwaway certificates made with the real `openssl` CLI in a temporary folder:
// a CA, a server host certificate (localhost) and two client (user) certificates.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  readonly key: string;
  readonly cert: string;
  /** The certificate as DER. */
  readonly der: Uint8Array;
}

export interface ThrowawayPki {
  readonly ca: Issued;
  readonly server: Issued;
  readonly alice: Issued;
  readonly mallory: Issued;
  /** A certificate from another CA, for the "unknown issuer" case. */
  readonly stranger: Issued;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the openssl CLI is needed for the TLS tests (apt-get install openssl): ${detail}`,
      { cause: error },
    );
  }
}

function read(dir: string, name: string): Issued {
  const cert = readFileSync(join(dir, `${name}.crt`), 'utf8');
  return {
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert,
    der: new Uint8Array(new X509Certificate(cert).raw),
  };
}

function issue(dir: string, ca: string, name: string, subject: string, san: string): void {
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
}

function selfSigned(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    subject,
    '-days',
    '2',
  ]);
}

/** Makes the certificates; the folder is removed before returning. */
export function makeThrowawayPki(): ThrowawayPki {
  const dir = mkdtempSync(join(tmpdir(), 'mt2-pki-'));
  try {
    selfSigned(dir, 'ca', '/CN=Test CA');
    selfSigned(dir, 'other-ca', '/CN=Other CA');
    issue(dir, 'ca', 'server', '/CN=localhost', 'DNS:localhost');
    issue(dir, 'ca', 'alice', '/CN=alice', 'email:alice@example.test');
    issue(dir, 'ca', 'mallory', '/CN=mallory', 'email:mallory@example.test');
    issue(dir, 'other-ca', 'stranger', '/CN=stranger', 'email:stranger@example.test');
    return {
      ca: read(dir, 'ca'),
      server: read(dir, 'server'),
      alice: read(dir, 'alice'),
      mallory: read(dir, 'mallory'),
      stranger: read(dir, 'stranger'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The identity check the tests hand in (src/identity does the real one): the
 * certificate is issued by `ca` and within its validity period.
 */
export function issuedBy(ca: Issued, der: Uint8Array): boolean {
  const certificate = new X509Certificate(der);
  const now = Date.now();
  return (
    certificate.verify(new X509Certificate(ca.cert).publicKey) &&
    Date.parse(certificate.validFrom) <= now &&
    now <= Date.parse(certificate.validTo)
  );
}
